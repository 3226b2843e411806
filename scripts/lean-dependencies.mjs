// Small stand-ins for dependencies of dependencies, each used in one narrow way the stand-in keeps exactly.
// Used by scripts/build.mjs; test/unit/lean-dependencies.test.ts bundles with and without it and compares.
// Every stand-in first checks that its importer still uses the package the way it expects: when a new
// version uses it otherwise, the build stops here rather than ship a stand-in that no longer fits.
import {readFile} from 'node:fs/promises';

const fail = message => {
	throw new Error(`${message}; update scripts/lean-dependencies.mjs`);
};

// emoji-regex (14 kB minified) is one regular expression, which string-width 7 (wrap-ansi's) only tests
// a grapheme against: emojiRegex().test(character). What it finds in a string is any Emoji code point
// but the keycap bases (#, *, 0-9) and the regional indicators, a keycap sequence ([#*0-9], an optional
// VS16, U+20E3), or a valid flag (two regional indicators). V8 knows all three from its own Unicode data.
const emojiRegex = 'export default () => /[\\p{Emoji}--[#*0-9\\p{Regional_Indicator}]]|[#*0-9]\\uFE0F?\\u20E3|\\p{RGI_Emoji_Flag_Sequence}/gv;';

async function checkEmojiRegexUse(importer) {
	const text = await readFile(importer, 'utf8');
	const uses = text.split("import emojiRegex from 'emoji-regex';");
	if (uses.length !== 2) fail(`${importer} no longer imports emojiRegex from emoji-regex`);
	const other = uses[1].replaceAll('emojiRegex().test(', '');
	if (other === uses[1] || /\bemojiRegex\b/.test(other)) fail(`${importer} uses emoji-regex other than as emojiRegex().test(text)`);
}

// execa imports figures (6 kB minified, ~200 symbols) for three icons of its verbose log (NODE_DEBUG=execa), and
// human-signals (5 kB, every signal described) for the words after a signal's name in its error messages
// ("Command was killed with SIGTERM (Termination)"). The lab shows neither; both stay as they were for the
// signals it sends or meets, and a signal not listed is described by its name.
const execaFigures = {
	import: "import figures from 'figures';",
	uses: /\bfigures\.(tick|cross|warning)\b/g,
	contents: [
		"import __rlIsUnicodeSupported from 'is-unicode-supported';",
		"const figures = __rlIsUnicodeSupported() ? {tick: '✔', cross: '✘', warning: '⚠'} : {tick: '√', cross: '×', warning: '‼'};",
	].join('\n'),
};
const execaSignals = {
	import: "import {signalsByName} from 'human-signals';",
	uses: /\bsignalsByName\[signal\]\.description\b/g,
	contents: `const __rlSignals = ${JSON.stringify({
		SIGHUP: 'Terminal closed',
		SIGINT: 'User interruption with CTRL-C',
		SIGQUIT: 'User interruption with CTRL-\\',
		SIGABRT: 'Aborted',
		SIGKILL: 'Forced termination',
		SIGSEGV: 'Segmentation fault',
		SIGPIPE: 'Broken pipe or socket',
		SIGTERM: 'Termination',
	})};`,
	replace: '(__rlSignals[signal] ?? signal)',
};

/** `path`'s text with `swap.import` replaced by `swap.contents`, once it is sure every use of the import is one `swap.uses` matches. */
async function swapImport(path, swap) {
	const text = await readFile(path, 'utf8');
	const parts = text.split(swap.import);
	if (parts.length !== 2) fail(`${path} no longer has: ${swap.import}`);
	const name = /import \{?(\w+)/.exec(swap.import)[1];
	const rest = parts[1].replace(swap.uses, '');
	if (rest === parts[1] || new RegExp(`\\b${name}\\b`).test(rest)) fail(`${path} uses ${name} otherwise than expected`);
	const body = swap.replace ? parts[1].replace(swap.uses, swap.replace) : parts[1];
	return {contents: parts[0] + swap.contents + body, loader: 'js'};
}

// stack-utils (3.4 kB minified, and a regular expression for each of Node.js's ~70 built-in modules made when Ink
// loads) serves Ink's error overview, which only calls parseLine(line) on each line of an error's stack. Its
// parseLine, with the two regular expressions and the helper it uses, is kept word for word; the rest goes.
async function checkStackUtilsUse(importer) {
	const text = await readFile(importer, 'utf8');
	const parts = text.split("import StackUtils from 'stack-utils';");
	if (parts.length !== 2) fail(`${importer} no longer imports StackUtils from stack-utils`);
	const instance = /\bconst (\w+) = new StackUtils\(\{/.exec(parts[1])?.[1];
	const rest = parts[1]
		.replace(`const ${instance} = new StackUtils({`, '')
		.replace('StackUtils.nodeInternals()', '')
		.replaceAll(`${instance}.parseLine(`, '');
	if (!instance || /\bStackUtils\b/.test(rest) || new RegExp(`\\b${instance}\\b`).test(rest)) fail(`${importer} uses stack-utils for more than parseLine`);
}

async function stackUtilsParseLineOnly(file) {
	const text = await readFile(file, 'utf8');
	const piece = (start, end) => {
		const from = text.indexOf(start);
		const to = from < 0 ? -1 : text.indexOf(end, from);
		if (to < 0 || text.includes(start, from + 1)) fail(`${file} no longer has one ${JSON.stringify(start.trim())}`);
		return text.slice(from, to + end.length);
	};
	return [
		"'use strict';",
		'class StackUtils {',
		"\tconstructor(opts) { this._cwd = (opts?.cwd ?? process.cwd()).replace(/\\\\/g, '/'); }",
		'\tstatic nodeInternals() { return []; }',
		piece('\n  parseLine (line) {', '\n  }\n'),
		'}',
		piece('\nfunction setFile (', '\n}\n'),
		piece('\nconst re = new RegExp(', '\n);\n'),
		piece('\nconst methodRe = ', ';\n'),
		'module.exports = StackUtils;',
	].join('\n');
}

/** The esbuild plugin. */
export const leanDependencies = {
	name: 'registry-lab-lean-dependencies',
	setup(build) {
		build.onResolve({filter: /^emoji-regex$/}, async args => {
			await checkEmojiRegexUse(args.importer);
			return {path: 'emoji-regex', namespace: 'lean'};
		});
		build.onLoad({filter: /[/\\]execa[/\\]lib[/\\]verbose[/\\]default\.js$/}, args => swapImport(args.path, execaFigures));
		build.onLoad({filter: /[/\\]execa[/\\]lib[/\\]terminate[/\\]signal\.js$/}, args => swapImport(args.path, execaSignals));
		// Both are gone from execa; anything else that imports them (a moved execa file, a new package) stops the build.
		build.onResolve({filter: /^(figures|human-signals)$/}, args => fail(`${args.importer} imports ${args.path}`));
		// Resolved as usual (its licence stays listed), once its importer is seen to use parseLine alone.
		build.onResolve({filter: /^stack-utils$/}, async args => void (await checkStackUtilsUse(args.importer)));
		build.onLoad({filter: /[/\\]stack-utils[/\\]index\.js$/}, async args => ({contents: await stackUtilsParseLineOnly(args.path), loader: 'js'}));
		const stubs = {'emoji-regex': emojiRegex};
		build.onLoad({filter: /.*/, namespace: 'lean'}, args => ({contents: stubs[args.path], loader: 'js'}));
	},
};
