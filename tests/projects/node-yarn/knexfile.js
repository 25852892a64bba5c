module.exports = { client: 'mysql2' };
