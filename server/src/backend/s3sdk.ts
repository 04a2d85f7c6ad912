// The AWS SDK's S3 client as its own bundle (dist/s3sdk.js), loaded only when a repository is on S3: parsing it
// would otherwise double every command's start-up time.
export * from '@aws-sdk/client-s3';
