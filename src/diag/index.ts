// Diagnostics: the data type, "did you mean" suggestions and the one text renderer.
export * from './types.js';
export * from './suggest.js';
export * from './render.js';
export * from './json.js';
export * from './errors.js';
