const http = require('http');
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('the-shop storefront\n')).listen(port);
