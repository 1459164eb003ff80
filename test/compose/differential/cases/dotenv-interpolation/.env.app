APPVAR=${TAG}-app
FROM_DOTENV=fromappfile
