// The layering of src/ (docs/ARCHITECTURE.md), checked on every import: static `import ... from`,
// `export ... from`, dynamic `import('...')` and `import('...')` types.
import {readdirSync, readFileSync} from 'node:fs';
import {builtinModules} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';

// ---------------------------------------------------------------- the layers

type Layer = 'entry' | 'ui' | 'plain' | 'driver' | 'core' | 'lesson' | 'effects';

/** Where each file of src/ sits. The first entry that matches a file wins; `dir/**` is everything under dir. */
const layers: readonly {readonly layer: Layer; readonly is: string; readonly paths: readonly string[]}[] = [
	{layer: 'entry', is: 'the entry points', paths: ['src/cli.ts', 'src/main.ts', 'src/commands/**']},
	{layer: 'ui', is: 'the Ink face', paths: ['src/ui/**']},
	{layer: 'plain', is: 'the plain face', paths: ['src/plain/**']},
	{layer: 'driver', is: 'the driver', paths: ['src/driver/**']},
	{layer: 'core', is: 'the pure core: the state machine', paths: ['src/lesson-run/**']},
	// The shared base: pure like the core, and everyone may import them, the loader and the checks included.
	{
		layer: 'lesson',
		is: 'the pure lesson modules',
		paths: ['src/lesson/schema.ts', 'src/lesson/template.ts', 'src/lesson/steps.ts', 'src/lesson/results.ts', 'src/lesson/zod-messages.ts'],
	},
	// src/lesson/load.ts and the other lesson files, src/container, src/registry, src/run, src/checks,
	// src/progress, src/class, and whatever is added to src/ without a place above.
	{layer: 'effects', is: 'the outside world (effects)', paths: ['src/**']},
];

const faces: readonly Layer[] = ['ui', 'plain'];
const pure: readonly Layer[] = ['core', 'lesson'];
const allLayers: readonly Layer[] = layers.map(entry => entry.layer);

// ---------------------------------------------------------------- the rules

/** What an import leads to, as a rule names it. */
type Target = {
	readonly layers?: readonly Layer[];
	/** npm packages, with their subpaths ('react' also covers 'react/jsx-runtime'). */
	readonly packages?: readonly string[];
	/** Node's built-in modules, with or without `node:`. */
	readonly builtins?: true;
	/** A src/ file outside the layers, or a file outside src/. */
	readonly elsewhere?: true;
};

type Rule = {
	/** The rule in the words of the architecture document; a broken rule is reported with them. */
	readonly says: string;
	/** Whose imports the rule reads. */
	readonly from: readonly Layer[];
	readonly mustNotImport: Target;
	/** `import type` and `export type` load nothing at run time; some rules let them through. */
	readonly typeOnlyAllowed?: true;
	/** Imports the rule lets through: from these layers, of modules that render (call Ink's render). */
	readonly unless?: {readonly from: readonly Layer[]; readonly toRendering: true};
};

const rules: readonly Rule[] = [
	{
		says: 'Only the entry points import src/ui, and only its modules that render (import render from ink).',
		from: allLayers.filter(layer => layer !== 'ui'),
		mustNotImport: {layers: ['ui']},
		unless: {from: ['entry'], toRendering: true},
	},
	{
		says: "Nothing outside src/ui imports 'react', 'ink', '@inkjs/ui' or 'ink-testing-library'.",
		from: allLayers.filter(layer => layer !== 'ui'),
		mustNotImport: {packages: ['react', 'ink', '@inkjs/ui', 'ink-testing-library']},
	},
	{
		says: 'The pure core imports only the pure core and the pure lesson modules (type-only imports of other src modules are allowed).',
		from: ['core'],
		mustNotImport: {layers: allLayers.filter(layer => !pure.includes(layer)), elsewhere: true},
		typeOnlyAllowed: true,
	},
	{
		// Or whoever imports them would load the state machine with them.
		says: 'The pure lesson modules import only each other (type-only imports of other src modules are allowed).',
		from: ['lesson'],
		mustNotImport: {layers: allLayers.filter(layer => layer !== 'lesson'), elsewhere: true},
		typeOnlyAllowed: true,
	},
	{
		says: "The pure core and the pure lesson modules do no I/O: no Node built-in (node:* or bare), no 'execa', 'conf', 'yaml' or 'open'.",
		from: pure,
		mustNotImport: {builtins: true, packages: ['execa', 'conf', 'yaml', 'open']},
	},
	{
		says: 'The effects never import the driver, the faces or the entry points.',
		from: ['effects'],
		mustNotImport: {layers: ['driver', ...faces, 'entry']},
	},
	{
		says: "The effects never import the state machine's runtime code, src/lesson-run (type-only imports are allowed).",
		from: ['effects'],
		mustNotImport: {layers: ['core']},
		typeOnlyAllowed: true,
	},
	{
		says: 'The driver never imports the faces or the entry points.',
		from: ['driver'],
		mustNotImport: {layers: [...faces, 'entry']},
	},
	{
		says: 'The faces never import the entry points.',
		from: faces,
		mustNotImport: {layers: ['entry']},
	},
	{
		says: 'src/plain never imports src/ui.',
		from: ['plain'],
		mustNotImport: {layers: ['ui']},
	},
	{
		says: 'src/ui never imports src/plain.',
		from: ['ui'],
		mustNotImport: {layers: ['plain']},
	},
];

/** Not a layering rule, but without it a rule could miss an import: every import names a module the test can find. */
const unreadable = 'Every import names its module in a string, and a relative import names a file that exists.';

// ---------------------------------------------------------------- reading imports

type ImportKind = 'import' | 'export' | 'dynamic' | 'import-type';

type Import = {
	readonly specifier: string;
	readonly kind: ImportKind;
	/**
	 * `import type ...`, `export type ... from` and `import('...')` in a type. An import whose names are all
	 * marked `type` inline (`import {type A} from`) still loads the module: verbatimModuleSyntax keeps it.
	 */
	readonly typeOnly: boolean;
	readonly line: number;
};

type SourceInfo = {
	/** Relative to the repository, with forward slashes: src/ui/app.tsx. */
	readonly path: string;
	readonly imports: readonly Import[];
	/** Whether the module renders: it imports Ink's render itself. */
	readonly renders: boolean;
};

function readImports(file: string, text: string): SourceInfo {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /x$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
	const imports: Import[] = [];
	let renders = false;
	const add = (node: ts.Node, specifier: ts.Node | undefined, kind: ImportKind, typeOnly: boolean) => {
		const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
		const named = specifier && (ts.isStringLiteral(specifier) || ts.isNoSubstitutionTemplateLiteral(specifier));
		imports.push({specifier: named ? specifier.text : `<${specifier ? specifier.getText(source) : 'nothing'}>`, kind, typeOnly, line});
	};
	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node)) {
			const typeOnly = node.importClause?.isTypeOnly ?? false;
			add(node, node.moduleSpecifier, 'import', typeOnly);
			const bindings = node.importClause?.namedBindings;
			if (!typeOnly && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === 'ink' && bindings && ts.isNamedImports(bindings)) {
				if (bindings.elements.some(element => !element.isTypeOnly && (element.propertyName ?? element.name).text === 'render')) renders = true;
			}
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
			add(node, node.moduleSpecifier, 'export', node.isTypeOnly);
		} else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
			add(node, node.moduleReference.expression, 'import', node.isTypeOnly);
		} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
			add(node, node.arguments[0], 'dynamic', false);
		} else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
			add(node, node.argument.literal, 'import-type', true);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return {path: file, imports, renders};
}

// ---------------------------------------------------------------- checking

type Resolved =
	| {readonly kind: 'src'; readonly path: string; readonly layer: Layer}
	| {readonly kind: 'elsewhere'; readonly path: string}
	| {readonly kind: 'package'; readonly name: string}
	| {readonly kind: 'builtin'; readonly name: string}
	| {readonly kind: 'unreadable'};

const builtins = new Set(builtinModules);

function layerOf(file: string): Layer | undefined {
	const matches = (pattern: string) => (pattern.endsWith('/**') ? file.startsWith(pattern.slice(0, -2)) : file === pattern);
	return layers.find(entry => entry.paths.some(matches))?.layer;
}

/** A relative import written with .js names the .ts or .tsx file next to it (NodeNext resolution). */
function resolve(from: string, specifier: string, exists: (file: string) => boolean): Resolved {
	if (specifier.startsWith('<')) return {kind: 'unreadable'};
	if (specifier.startsWith('.')) {
		const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
		const candidates = /\.[cm]?js$/.test(joined) ? [joined.replace(/js$/, 'ts'), joined.replace(/js$/, 'tsx'), joined] : [joined];
		const found = candidates.find(exists);
		if (found === undefined) return {kind: 'unreadable'};
		const layer = layerOf(found);
		return layer ? {kind: 'src', path: found, layer} : {kind: 'elsewhere', path: found};
	}
	if (specifier.startsWith('node:') || builtins.has(specifier)) return {kind: 'builtin', name: specifier.replace(/^node:/, '')};
	const parts = specifier.split('/');
	const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
	return builtins.has(name) ? {kind: 'builtin', name} : {kind: 'package', name};
}

function hits(target: Target, resolved: Resolved): boolean {
	switch (resolved.kind) {
		case 'src':
			return target.layers?.includes(resolved.layer) ?? false;
		case 'elsewhere':
			return target.elsewhere ?? false;
		case 'package':
			return target.packages?.includes(resolved.name) ?? false;
		case 'builtin':
			return target.builtins ?? false;
		case 'unreadable':
			return false;
	}
}

type Violation = {readonly file: string; readonly line: number; readonly import: string; readonly rule: string};

/** Every import that breaks a rule, as `file:line imports 'specifier'`, with the rule it breaks. */
function brokenRules(files: readonly SourceInfo[], exists: (file: string) => boolean): Violation[] {
	const rendering = new Set(files.filter(file => file.renders).map(file => file.path));
	const violations: Violation[] = [];
	for (const file of files) {
		const layer = layerOf(file.path);
		for (const found of file.imports) {
			const resolved = resolve(file.path, found.specifier, exists);
			const report = (rule: string) =>
				violations.push({file: file.path, line: found.line, import: `${found.typeOnly ? 'type ' : ''}'${found.specifier}'`, rule});
			if (resolved.kind === 'unreadable') {
				report(unreadable);
				continue;
			}
			for (const rule of rules) {
				if (layer === undefined || !rule.from.includes(layer) || !hits(rule.mustNotImport, resolved)) continue;
				if (rule.typeOnlyAllowed && found.typeOnly) continue;
				if (rule.unless && rule.unless.from.includes(layer) && resolved.kind === 'src' && rendering.has(resolved.path)) continue;
				report(rule.says);
			}
		}
	}
	return violations;
}

const describeViolation = (violation: Violation) => `${violation.file}:${violation.line} imports ${violation.import}: ${violation.rule}`;

// ---------------------------------------------------------------- the tests

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceFiles(dir: string): string[] {
	return readdirSync(path.join(root, dir), {withFileTypes: true})
		.flatMap(entry => (entry.isDirectory() ? sourceFiles(`${dir}/${entry.name}`) : /\.[cm]?[jt]sx?$/.test(entry.name) ? [`${dir}/${entry.name}`] : []))
		.sort();
}

describe('the import rules', () => {
	it('every file under src/ keeps the layering', () => {
		const paths = sourceFiles('src');
		const onDisk = new Set(paths);
		const files = paths.map(file => readImports(file, readFileSync(path.join(root, file), 'utf8')));
		const exists = (file: string) => onDisk.has(file) || (!file.startsWith('src/') && existsInRepository(file));
		expect(brokenRules(files, exists).map(describeViolation)).toEqual([]);
	});

	it('reads static, re-exported, dynamic and type imports, and tells type-only ones apart', () => {
		const info = readImports(
			'src/x.tsx',
			[
				"import {render} from 'ink';",
				"import type {A} from './a.js';",
				"import {type B} from './b.js';",
				"import './side-effect.js';",
				"export {c} from './c.js';",
				"export type {D} from './d.js';",
				"const e = await import('./e.js');",
				"type F = typeof import('./f.js');",
				'const g = await import(`./g.js`);',
				'const h = await import(name);',
			].join('\n'),
		);
		expect(info.imports.map(({specifier, kind, typeOnly, line}) => [specifier, kind, typeOnly, line])).toEqual([
			['ink', 'import', false, 1],
			['./a.js', 'import', true, 2],
			['./b.js', 'import', false, 3],
			['./side-effect.js', 'import', false, 4],
			['./c.js', 'export', false, 5],
			['./d.js', 'export', true, 6],
			['./e.js', 'dynamic', false, 7],
			['./f.js', 'import-type', true, 8],
			['./g.js', 'dynamic', false, 9],
			['<name>', 'dynamic', false, 10],
		]);
		expect(info.renders).toBe(true);
		expect(readImports('src/y.tsx', "import {Box, type render} from 'ink';").renders).toBe(false);
	});

	it('reports each rule broken in made-up files, and lets through what the rules allow', () => {
		const made: Record<string, string> = {
			'src/commands/lab.ts': [
				"import {renderApp} from '../ui/render-app.js';",
				"import type {AppProps} from '../ui/app.js';",
				"import {runPlain} from '../plain/run-plain.js';",
				"import {createLabServices} from '../driver/services.js';",
			].join('\n'),
			'src/ui/render-app.tsx': "import {render} from 'ink';\nimport {App} from './app.js';",
			'src/ui/app.tsx': "import {Box} from 'ink';\nimport {runPlain} from '../plain/run-plain.js';",
			'src/plain/run-plain.ts': [
				"import {createLabServices} from '../driver/services.js';",
				"import {Text} from 'ink';",
				"import type {AppProps} from '../ui/app.js';",
				"import {labCommand} from '../commands/lab.js';",
			].join('\n'),
			'src/driver/services.ts': "import {startRun} from '../lesson-run/lesson-run.js';\nimport {labCommand} from '../commands/lab.js';",
			'src/lesson-run/lesson-run.ts': [
				"import {readFile} from 'node:fs/promises';",
				"import type {Engine} from '../container/engine.js';",
				"import {runCommand} from '../run/run-command.js';",
				"import {fill} from '../lesson/template.js';",
				"import {z} from 'zod';",
				"import path from 'path';",
			].join('\n'),
			'src/lesson/template.ts': [
				"import {readFileSync} from 'node:fs';",
				"import {startRun} from '../lesson-run/lesson-run.js';",
				"import type {Engine} from '../container/engine.js';",
				'export const fill = (text: string) => text;',
			].join('\n'),
			'src/container/engine.ts': [
				"import type {RunState} from '../lesson-run/lesson-run.js';",
				"import {startRun} from '../lesson-run/lesson-run.js';",
				"import type {LabServices} from '../driver/services.js';",
				"import {run} from './missing.js';",
				"import {fill} from '../lesson/template.js';",
			].join('\n'),
			'src/run/run-command.ts': "const {execa} = await import('execa');",
		};
		const files = Object.entries(made).map(([file, text]) => readImports(file, text));
		const reported = brokenRules(files, file => file in made);
		const [
			onlyEntries,
			noInk,
			coreOnlyPure,
			lessonOnlyLesson,
			pureNoIo,
			effectsNoOuter,
			effectsNoCore,
			driverNoOuter,
			facesNoEntries,
			plainNoUi,
			uiNoPlain,
		] = rules.map(rule => rule.says);
		expect(reported.map(describeViolation)).toEqual([
			`src/commands/lab.ts:2 imports type '../ui/app.js': ${onlyEntries}`,
			`src/ui/app.tsx:2 imports '../plain/run-plain.js': ${uiNoPlain}`,
			`src/plain/run-plain.ts:2 imports 'ink': ${noInk}`,
			`src/plain/run-plain.ts:3 imports type '../ui/app.js': ${onlyEntries}`,
			`src/plain/run-plain.ts:3 imports type '../ui/app.js': ${plainNoUi}`,
			`src/plain/run-plain.ts:4 imports '../commands/lab.js': ${facesNoEntries}`,
			`src/driver/services.ts:2 imports '../commands/lab.js': ${driverNoOuter}`,
			`src/lesson-run/lesson-run.ts:1 imports 'node:fs/promises': ${pureNoIo}`,
			`src/lesson-run/lesson-run.ts:3 imports '../run/run-command.js': ${coreOnlyPure}`,
			`src/lesson-run/lesson-run.ts:6 imports 'path': ${pureNoIo}`,
			`src/lesson/template.ts:1 imports 'node:fs': ${pureNoIo}`,
			`src/lesson/template.ts:2 imports '../lesson-run/lesson-run.js': ${lessonOnlyLesson}`,
			`src/container/engine.ts:2 imports '../lesson-run/lesson-run.js': ${effectsNoCore}`,
			`src/container/engine.ts:3 imports type '../driver/services.js': ${effectsNoOuter}`,
			`src/container/engine.ts:4 imports './missing.js': ${unreadable}`,
		]);
		// Every rule is broken at least once above, so none of them can quietly match nothing.
		expect(new Set(reported.map(violation => violation.rule))).toEqual(new Set([...rules.map(rule => rule.says), unreadable]));
	});
});

function existsInRepository(file: string): boolean {
	try {
		readFileSync(path.join(root, file));
		return true;
	} catch {
		return false;
	}
}
