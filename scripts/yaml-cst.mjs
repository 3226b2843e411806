// The lesson reader (src/lesson/yaml-values.ts) uses yaml's CST layer alone: its Parser (with the Lexer),
// LineCounter and CST.resolveAsScalar. Imported from 'yaml', those bring the whole package with them (documents,
// schemas, stringifying: 116 kB of the bundle), which tree-shaking cannot drop. In the bundle 'yaml' is this small
// module instead, made of the package's own ES module files for that layer. Used by scripts/build.mjs;
// test/unit/yaml-cst-build.test.ts bundles the reader with it and compares what it reads with the real package's.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const parse = path.join(root, 'node_modules', 'yaml', 'browser', 'dist', 'parse');

const contents = [
	`export {Parser} from ${JSON.stringify(path.join(parse, 'parser.js'))};`,
	`export {LineCounter} from ${JSON.stringify(path.join(parse, 'line-counter.js'))};`,
	`import {resolveAsScalar} from ${JSON.stringify(path.join(parse, 'cst-scalar.js'))};`,
	'export const CST = {resolveAsScalar};',
].join('\n');

/** esbuild plugin: 'yaml' is yaml's CST layer (Parser, LineCounter, CST.resolveAsScalar); any other import of it fails the build. */
export const yamlCst = {
	name: 'registry-lab-yaml-cst',
	setup(build) {
		build.onResolve({filter: /^yaml$/}, () => ({path: 'yaml-cst', namespace: 'registry-lab-yaml'}));
		build.onLoad({filter: /.*/, namespace: 'registry-lab-yaml'}, () => ({contents, loader: 'js', resolveDir: parse}));
	},
};
