// Lint for registry-lab: typescript-eslint's type-checked recommended rules (a dropped promise in a
// terminal app is a silent bug), React's rules of hooks for the Ink face, and one line length.
import comments from '@eslint-community/eslint-plugin-eslint-comments';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'],
	},
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	{
		languageOptions: {
			globals: globals.node,
			parserOptions: {
				projectService: {
					// The .mjs scripts and this file are outside tsconfig.json (it has no allowJs);
					// the default project still types them, enough for the promise rules.
					allowDefaultProject: ['eslint.config.js', 'scripts/*.mjs', 'bench/*.mjs', 'test/helpers/*.mjs'],
				},
				tsconfigRootDir: import.meta.dirname,
			},
		},
		plugins: {'@eslint-community/eslint-comments': comments},
		linterOptions: {
			reportUnusedDisableDirectives: 'error',
		},
		rules: {
			// A line fits a wide terminal or one side of a diff. Strings, URLs and templates count too:
			// a long message is wrapped like any other line. A tab counts as 4 columns.
			'max-len': ['error', {code: 160, tabWidth: 4, ignoreUrls: false, ignoreStrings: false, ignoreTemplateLiterals: false}],
			// An async function that stands in for a promise-returning interface (typeof fetch, a check)
			// reads better than Promise.resolve(), and turns a throw into a rejection as callers expect.
			'@typescript-eslint/require-await': 'off',
			// A suppression names its rule and says why: `// eslint-disable-next-line rule -- reason`.
			'@eslint-community/eslint-comments/require-description': 'error',
			'@eslint-community/eslint-comments/no-unlimited-disable': 'error',
		},
	},
	{
		// Hooks live in .tsx components and in the face's .ts hook modules (use-*.ts).
		files: ['**/*.tsx', 'src/ui/**/*.ts'],
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
		},
	},
	{
		files: ['test/**'],
		rules: {
			// Vitest types its asymmetric matchers (expect.stringContaining, expect.any) as any, and they
			// are meant to sit inside the object handed to toMatchObject.
			'@typescript-eslint/no-unsafe-assignment': 'off',
		},
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		rules: {
			// Plain JavaScript has no annotations, so every JSON.parse or untyped import is any: these
			// rules would flag the language rather than a bug. The promise rules still apply.
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
		},
	},
);
