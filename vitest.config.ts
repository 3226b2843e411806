import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 120_000,
		setupFiles: ['test/setup.ts'],
		projects: [
			{
				extends: true,
				test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}', 'test/ui/**/*.test.{ts,tsx}']},
			},
			{
				// One Docker daemon and shared image names: end-to-end files run one at a time.
				extends: true,
				test: {name: 'e2e', include: ['test/e2e/**/*.test.{ts,tsx}'], fileParallelism: false, testTimeout: 120_000},
			},
		],
	},
});
