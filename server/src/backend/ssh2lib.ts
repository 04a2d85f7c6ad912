// ssh2 as its own bundle (dist/ssh2.js), loaded only when a repository is on SFTP: it is most of the code otherwise,
// and every command would parse it (and hold it in memory) at start-up.
export * from 'ssh2';
