const http = require('http');
http.createServer((req, res) => res.end('payments ok\n')).listen(4000);
