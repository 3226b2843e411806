import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build, type Plugin} from 'esbuild';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {builtInLessonsDir} from '../../src/lesson/load.js';
import {parseYaml} from '../../src/lesson/yaml-values.js';
import {notForLessons, refused, same} from '../fixtures/yaml/texts.js';

// In the bundle, 'yaml' is only yaml's CST layer (scripts/yaml-cst.mjs). The lesson reader bundled that way must
// read every text exactly as it does from source, with the whole package (test/unit/yaml-values.test.ts compares
// that one with yaml's own documents).
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const {yamlCst} = (await import(pathToFileURL(path.join(repo, 'scripts', 'yaml-cst.mjs')).href)) as {yamlCst: Plugin};

let work = '';
let bundled: typeof parseYaml;
let inputs: string[] = [];
beforeAll(async () => {
	work = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-yaml-cst-'));
	const outfile = path.join(work, 'yaml-values.mjs');
	const result = await build({
		entryPoints: [path.join(repo, 'src', 'lesson', 'yaml-values.ts')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		mainFields: ['module', 'main'],
		conditions: ['node', 'import', 'production'],
		plugins: [yamlCst],
		metafile: true,
		logLevel: 'silent',
	});
	inputs = Object.keys(result.metafile.inputs);
	({parseYaml: bundled} = (await import(pathToFileURL(outfile).href)) as {parseYaml: typeof parseYaml});
});
afterAll(async () => {
	if (work) await rm(work, {recursive: true, force: true});
});

const outcome = (read: typeof parseYaml, text: string): unknown => {
	const result = read(text);
	if (!result.ok) return {problem: result.message, at: result.places.linePos(result.offset)};
	return {value: result.value};
};

describe("yaml's CST layer as the bundle has it", () => {
	it('bundles none of the package but its parse layer and what that needs', () => {
		const yamlFiles = inputs.filter(input => /node_modules[/\\]yaml[/\\]/.test(input));
		expect(yamlFiles.length).toBeGreaterThan(0);
		expect(yamlFiles.filter(input => /[/\\](doc|schema|stringify)[/\\]Document|public-api|composer/.test(input))).toEqual([]);
		expect(yamlFiles.some(input => /[/\\]parse[/\\]parser\.js$/.test(input))).toBe(true);
	});

	it('reads the shipped lessons and every fixture text as the source does', async () => {
		const dir = builtInLessonsDir();
		const lessons = await Promise.all((await readdir(dir)).filter(name => /\.ya?ml$/.test(name)).map(async name => readFile(path.join(dir, name), 'utf8')));
		for (const text of [...lessons, ...same, ...refused, ...notForLessons]) {
			expect(outcome(bundled, text), JSON.stringify(text.slice(0, 80))).toEqual(outcome(parseYaml, text));
		}
	});
});
