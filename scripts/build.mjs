// Bundle the whole CLI, dependencies included, into dist/: the published package has no runtime dependencies.
// dist/cli.js is the entry; the subcommands and the interactive app (ink, react) are split into chunks beside it
// that load only when they are needed, so `explain` never parses React and the first frame parses nothing extra.
import {createHash} from 'node:crypto';
import {isDeepStrictEqual} from 'node:util';
import {chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {leanDependencies} from './lean-dependencies.mjs';
import {yamlCst} from './yaml-cst.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const metafile = process.argv.includes('--metafile');

await rm(dist, {recursive: true, force: true});

// The same packages' builds for the lesson parser at build time as in the bundle.
const resolving = {
	mainFields: ['module', 'main'],
	conditions: ['node', 'import', 'production'],
	// CommonJS dependencies (react, bcryptjs, yaml, ...) call require() for node built-ins.
	banner: {
		js: ["import {createRequire as __rlCreateRequire} from 'node:module';", 'const require = __rlCreateRequire(import.meta.url);'].join('\n'),
	},
};

// The shipped lessons are parsed and checked here, with the same code as at run time (src/lesson/parse.ts), and
// go into the bundle as data (src/lesson/built-in.ts): the start screen then loads neither the YAML parser nor
// the lesson schema. A lesson text the build did not see (edited, or --lesson FILE) is still parsed at run time.
async function parseShippedLessons() {
	const temp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-build-'));
	try {
		const parser = path.join(temp, 'parse.mjs');
		const entryPoints = ['src/lesson/parse.ts'];
		await build({
			absWorkingDir: root,
			entryPoints,
			outfile: parser,
			bundle: true,
			platform: 'node',
			format: 'esm',
			...resolving,
			plugins: [yamlCst],
			logLevel: 'warning',
		});
		const {parseLesson} = await import(pathToFileURL(parser).href);
		const dir = path.join(root, 'lessons');
		const parsed = [];
		for (const name of (await readdir(dir)).filter(entry => /\.ya?ml$/.test(entry)).sort()) {
			const text = await readFile(path.join(dir, name), 'utf8');
			const result = parseLesson(text, path.join('lessons', name));
			// The lessons ship inside the bundle only (not as files): a broken one stops the build.
			if (!result.ok) throw new Error(`build: lessons/${name} cannot be used:\n${result.errors.map(error => `  - ${error}`).join('\n')}`);
			// The lesson travels as JSON: it must come back exactly as the parser made it.
			if (!isDeepStrictEqual(JSON.parse(JSON.stringify(result.lesson)), result.lesson)) {
				throw new Error(`lessons/${name} does not survive JSON; update scripts/build.mjs`);
			}
			parsed.push({file: name, sha256: createHash('sha256').update(text).digest('hex'), lesson: result.lesson});
		}
		return parsed;
	} finally {
		await rm(temp, {recursive: true, force: true});
	}
}
const parsedLessons = await parseShippedLessons();

// Code the app can never run is replaced by small stubs, so it is neither shipped nor parsed.
const stubs = {
	// Ink loads its devtools bridge (react-devtools-core and ws) only when DEV=true; that is for Ink's own developers.
	'ink-devtools': 'export {};',
	'react-devtools-core': 'export default {initialize() {}, connectToDevTools() {}};',
	// zod's error messages in forty languages; the app speaks English. Nor does it turn JSON schemas into zod.
	'zod-from-json-schema': "export function fromJSONSchema() { throw new Error('registry-lab: fromJSONSchema is not bundled'); }",
	// z.compile (ahead-of-time compiled parsers) is opt-in and unused; ordinary parsing does not touch it.
	'zod-compile': [
		"const no = () => { throw new Error('registry-lab: z.compile is not bundled'); };",
		"export const INVALID = Symbol.for('zod.compile.invalid');",
		'export class ZodCompileAsyncError extends Error {}',
		'export class ZodCompileUnsupportedError extends Error {}',
		'export const compile = no, withParser = no, compileFn = no;',
	].join('\n'),
	'zod-locales': 'export {default as en} from "zod/v4/locales/en.js";',
	// Ink's text measuring and slicing make an Intl.Segmenter each when loaded; the first one loads ICU's
	// break-iterator data, 20-50 ms before the first frame (measured on Node.js 20 and 22). This one makes
	// it only for text it cannot split alone: in the ranges below every UTF-16 unit is a grapheme of its own
	// (Unicode's grapheme break property is Other or Control there, and a CR, the one Control that joins a
	// following LF, is left out), which covers ASCII, Latin-1, the punctuation, arrows, box drawing, symbols,
	// dingbats and braille (spinners) of the app's screens. Anything else goes to a real Intl.Segmenter.
	'grapheme-segmenter': `
const simple = /^[\\0-\\f\\x0E-\\u02FF\\u2010-\\u2027\\u2030-\\u205E\\u2190-\\u28FF]*$/;
const data = (input, index) => ({segment: input[index], index, input});
export class GraphemeSegmenter {
	#args;
	#real;
	constructor(...args) {
		this.#args = args;
		if ((args[1]?.granularity ?? 'grapheme') !== 'grapheme') this.#real = new Intl.Segmenter(...args);
	}
	segment(input) {
		input = String(input);
		if (this.#real || !simple.test(input)) return (this.#real ??= new Intl.Segmenter(...this.#args)).segment(input);
		return {
			containing: (index = 0) => (index >= 0 && index < input.length ? data(input, Math.trunc(index)) : undefined),
			*[Symbol.iterator]() {
				for (let index = 0; index < input.length; index++) yield data(input, index);
			},
		};
	}
	resolvedOptions() {
		return (this.#real ??= new Intl.Segmenter(...this.#args)).resolvedOptions();
	}
}
`,
	'lesson-parse-reexport':
		"export const parseLesson = () => { throw new Error('registry-lab: import parseLesson from parse.js'); };\n" + 'export const builtInVariables = [];',
};
const trim = {
	name: 'registry-lab-stubs',
	setup(build) {
		const stub = key => ({path: key, namespace: 'stub'});
		build.onResolve({filter: /^react-devtools-core$/}, () => stub('react-devtools-core'));
		build.onResolve({filter: /^\.\/devtools\.js$/}, args => (/[/\\]ink[/\\]build[/\\]/.test(args.importer) ? stub('ink-devtools') : undefined));
		build.onResolve({filter: /^\.\.\/locales\/index\.js$/}, args => (/[/\\]zod[/\\]v4[/\\]/.test(args.importer) ? stub('zod-locales') : undefined));
		build.onResolve({filter: /^\.\/from-json-schema\.js$/}, args =>
			/[/\\]zod[/\\]v4[/\\]classic[/\\]/.test(args.importer) ? stub('zod-from-json-schema') : undefined,
		);
		build.onResolve({filter: /^\.\/compile\.js$/}, args =>
			/[/\\]zod[/\\]v4[/\\]core[/\\]index\.js$/.test(args.importer) ? stub('zod-compile') : undefined,
		);
		// zod's JSON Schema export (z.toJSONSchema, schema.toJSONSchema(), ~standard.jsonSchema) is never used:
		// every export of those modules becomes a function that throws when called (factories return one).
		build.onLoad({filter: /[/\\]zod[/\\]v4[/\\]core[/\\](to-json-schema|json-schema-processors|json-schema-generator)\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			const names = new Set([...text.matchAll(/^export (?:async )?(?:function\*? |const |let |class )([\w$]+)/gm)].map(match => match[1]));
			for (const match of text.matchAll(/^export \{([^}]*)\}(?! from)/gm)) {
				for (const part of match[1].split(',')) {
					const words = part.trim().split(/\s+as\s+/);
					const name = words.at(-1);
					if (name) names.add(name);
				}
			}
			const lines = [...names].map(exported => `export const ${exported} = lazy;`);
			return {
				contents: [
					"const no = () => { throw new Error('registry-lab: zod JSON Schema support is not bundled'); };",
					'function lazy() { return no; }',
					...lines,
				].join('\n'),
				loader: 'js',
			};
		});
		// load.ts re-exports parseLesson (yaml, the lesson schema) for callers from source; in the bundle parse.ts
		// loads through load.ts's import() alone, so that the start screen goes without it (checked after the build).
		build.onResolve({filter: /^\.\/parse\.js$/}, args =>
			args.kind === 'import-statement' && /[/\\]src[/\\]lesson[/\\]load\.ts$/.test(args.importer) ? stub('lesson-parse-reexport') : undefined,
		);
		// Ink names a key with ctrl from its escape sequence; a sequence it parses as ctrl without a name (a pasted
		// colour code such as ESC [31m) leaves the typed text undefined, and the next line, input.startsWith(...),
		// throws inside stdin's reader and ends the app. Text from outside must never end the app: such a key has no text.
		build.onLoad({filter: /[/\\]ink[/\\]build[/\\]hooks[/\\]use-input\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			const named = 'input = keypress.name;';
			if (!text.includes(named)) throw new Error('ink: use-input.js no longer reads keypress.name; update scripts/build.mjs');
			return {contents: text.replaceAll(named, "input = keypress.name ?? '';"), loader: 'js'};
		});
		// Yoga's WebAssembly ships as base64 text inside a JS file; ship the binary as dist/yoga.wasm instead
		// (smaller packed, and read with one readFileSync rather than decoded from base64 at start-up).
		build.onLoad({filter: /[/\\]yoga-layout[/\\]dist[/\\]binaries[/\\]yoga-wasm-base64-esm\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			const match = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(text);
			if (!match) throw new Error('yoga-layout: the embedded wasm was not found; update scripts/build.mjs');
			yogaWasm = Buffer.from(match[1], 'base64');
			return {contents: text.replace(match[0], '"data:application/octet-stream;base64,"'), loader: 'js'};
		});
		build.onLoad({filter: /[/\\]yoga-layout[/\\]dist[/\\]src[/\\]index\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			const call = 'await loadYoga()';
			const loadYogaFromFile = "await loadYoga({wasmBinary: __yogaRead(new URL('./yoga.wasm', import.meta.url))})";
			if (!text.includes(call)) throw new Error('yoga-layout: loadYoga() call not found; update scripts/build.mjs');
			return {
				contents: `import {readFileSync as __yogaRead} from 'node:fs';\n${text.replace(call, loadYogaFromFile)}`,
				loader: 'js',
				resolveDir: path.dirname(args.path),
			};
		});
		build.onLoad({filter: /[/\\](string-width[/\\]index|slice-ansi[/\\]tokenize-ansi|ansi-tokenize[/\\]build[/\\]tokenize)\.js$/}, async args => {
			const text = await readFile(args.path, 'utf8');
			if (!text.includes('new Intl.Segmenter(')) throw new Error(`${args.path}: no Intl.Segmenter; update scripts/build.mjs`);
			return {
				contents: [
					"import {GraphemeSegmenter as __rlSegmenter} from 'registry-lab:grapheme-segmenter';",
					text.replaceAll('new Intl.Segmenter(', 'new __rlSegmenter('),
				].join('\n'),
				loader: 'js',
				resolveDir: path.dirname(args.path),
			};
		});
		build.onResolve({filter: /^registry-lab:grapheme-segmenter$/}, () => stub('grapheme-segmenter'));
		build.onLoad({filter: /.*/, namespace: 'stub'}, args => ({contents: stubs[args.path], loader: 'js', resolveDir: root}));
	},
};

let yogaWasm;
const result = await build({
	absWorkingDir: root,
	entryPoints: {cli: 'src/main.ts'},
	outdir: 'dist',
	// Chunks sit beside cli.js: import.meta.url resolves to dist/ in every file
	// (../package.json is found from there for --version, the lessons are ../lessons, yoga.wasm is beside it).
	chunkNames: '[name]-[hash]',
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	// Node.js 20 (V8 11.3) has the v flag of regular expressions, which esbuild's table credits to no Node.js yet: without
	// this a /.../v literal became new RegExp(..., 'v'), compiled again at every call (emojiRegex() is called per character).
	supported: {'regexp-set-notation': true},
	...resolving,
	jsx: 'automatic',
	minify: true,
	keepNames: false,
	charset: 'utf8',
	legalComments: 'none', // every bundled package's licence goes to dist/THIRD-PARTY-LICENSES.txt instead
	treeShaking: true,
	define: {'process.env.NODE_ENV': '"production"', REGISTRY_LAB_PARSED_LESSONS: JSON.stringify(JSON.stringify(parsedLessons))},
	plugins: [trim, leanDependencies, yamlCst],
	metafile: true,
	logLevel: 'warning',
});

// src/main.ts's own #! line is kept by esbuild as the first line of dist/cli.js.

// The require() banner is for chunks with CommonJS code in them; the others (most) lose it: smaller packed.
for (const file of Object.keys(result.metafile.outputs).filter(output => output.endsWith('.js'))) {
	const text = await readFile(path.join(root, file), 'utf8');
	const without = text.replace(`${resolving.banner.js}\n`, '');
	if (without !== text && !/\brequire\b/.test(without)) await writeFile(path.join(root, file), without);
}

// A second minifier over esbuild's output: terser's compressor, two passes, finds what esbuild's leaves (11 kB less
// packed, measured when the class commands came). Build time only; the code it gives is the same program.
{
	const {minify} = await import('terser');
	const files = Object.keys(result.metafile.outputs).filter(output => output.endsWith('.js'));
	await Promise.all(
		files.map(async file => {
			const text = await readFile(path.join(root, file), 'utf8');
			const out = await minify(text, {
				module: true,
				ecma: 2020,
				compress: {passes: 2, ecma: 2020},
				mangle: true,
				format: {ecma: 2020, comments: false},
			});
			if (typeof out.code !== 'string') throw new Error(`terser gave nothing for ${file}`);
			await writeFile(path.join(root, file), out.code);
		}),
	);
}

// What the start screen loads before its first frame is what `npm run bench` measures: the YAML parser and the
// lesson schema must stay out of the lab command's static imports (an import of parseLesson would bring them back).
{
	const outputs = result.metafile.outputs;
	const lab = Object.keys(outputs).find(file => outputs[file].entryPoint === 'src/commands/lab.ts');
	const loaded = new Set();
	const visit = file => {
		if (loaded.has(file) || !outputs[file]) return;
		loaded.add(file);
		for (const entry of outputs[file].imports) if (entry.kind === 'import-statement') visit(entry.path);
	};
	visit(lab);
	const heavy = [...loaded]
		.flatMap(file => Object.keys(outputs[file].inputs))
		.filter(input => /node_modules\/yaml\/|src\/lesson\/(schema|parse)\.ts$/.test(input));
	if (!lab || heavy.length > 0) {
		throw new Error(`the lab command loads the lesson parser at start-up (${heavy.slice(0, 3).join(', ') || 'no lab chunk'}); see scripts/build.mjs`);
	}
	// The stand-in for load.ts's re-export must stay unused: bundled code imports parseLesson from parse.js.
	const used = Object.values(outputs).some(output => (output.inputs['stub:lesson-parse-reexport']?.bytesInOutput ?? 0) > 0);
	if (used) throw new Error('bundled code imports parseLesson or builtInVariables from lesson/load.js: import them from lesson/parse.js');
}

// The licences of what is bundled travel with it.
const packages = new Map();
const shipped = new Set(
	Object.values(result.metafile.outputs).flatMap(output =>
		Object.entries(output.inputs)
			.filter(([, use]) => use.bytesInOutput > 0)
			.map(([input]) => input),
	),
);
for (const input of shipped) {
	const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
	if (match) packages.set(match[2], path.join(root, match[1]));
}
// Packages whose licence file is the same text word for word (53 of them share one MIT text) are listed
// together above it, each with its version and licence: every text is kept, once (4 kB less packed).
const notices = new Map();
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
	const {version, license} = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
	const file = (await readdir(dir)).find(entry => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
	const text = file ? (await readFile(path.join(dir, file), 'utf8')).trim() : `${license ?? 'see the package'} (no licence file in the package)`;
	notices.set(text, [...(notices.get(text) ?? []), `${name}@${version} (${license ?? 'unknown'})`]);
}
const noticeTexts = [...notices].map(([text, names]) => `${names.join('\n')}\n\n${text}\n`);
await writeFile(path.join(dist, 'THIRD-PARTY-LICENSES.txt'), `registry-lab bundles these packages.\n\n${noticeTexts.join('\n' + '-'.repeat(72) + '\n\n')}`);

if (!yogaWasm) throw new Error('yoga-layout was not bundled');
await writeFile(path.join(dist, 'yoga.wasm'), yogaWasm);
await chmod(path.join(dist, 'cli.js'), 0o755);

if (metafile) {
	// node scripts/build.mjs --metafile: what went into each file, for https://esbuild.github.io/analyze/
	await mkdir(path.join(root, '.tmp'), {recursive: true});
	await writeFile(path.join(root, '.tmp', 'esbuild-meta.json'), JSON.stringify(result.metafile));
}
