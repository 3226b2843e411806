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

/** The esbuild plugin. */
export const leanDependencies = {
	name: 'registry-lab-lean-dependencies',
	setup(build) {
		build.onResolve({filter: /^emoji-regex$/}, async args => {
			await checkEmojiRegexUse(args.importer);
			return {path: 'emoji-regex', namespace: 'lean'};
		});
		const stubs = {'emoji-regex': emojiRegex};
		build.onLoad({filter: /.*/, namespace: 'lean'}, args => ({contents: stubs[args.path], loader: 'js'}));
	},
};
