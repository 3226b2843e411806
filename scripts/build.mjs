// Bundle the CLI into dist/cli.js (dependencies stay in node_modules for now).
import {build} from 'esbuild';

await build({
	entryPoints: ['src/main.ts'],
	outfile: 'dist/cli.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	jsx: 'automatic',
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: '#!/usr/bin/env node'},
	logLevel: 'warning',
});
