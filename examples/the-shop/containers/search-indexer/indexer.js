setInterval(() => console.log('search-indexer: reindexing products'), 60000);
console.log('search-indexer: started');
