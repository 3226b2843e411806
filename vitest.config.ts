import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		// e2e files share one Docker daemon; run files one at a time on a 2-core machine
		// only where they ask for it (see test/e2e), unit and ui files run in parallel.
	},
});
