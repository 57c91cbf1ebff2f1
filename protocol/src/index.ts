export * from './ids.js';
export * from './documents.js';
export * from './collections.js';
export * from './rest.js';
export * from './frames.js';
export * from './phone.js';
export * from './protocolNumber.js';
export * from './desktop.js';
