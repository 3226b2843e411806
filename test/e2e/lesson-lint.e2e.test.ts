import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {buildCli, builtCli} from '../helpers/class-cli.js';

// `registry-lab lesson lint` as a lesson writer runs it: the built CLI, with the YAML reader the bundle has.
const lint = (args: readonly string[]): Promise<CommandResult> =>
	runCommand({file: process.execPath, args: [builtCli, 'lesson', 'lint', ...args], env: {NO_COLOR: '1'}, timeoutMs: 60_000});

let work = '';
beforeAll(async () => {
	await buildCli();
	work = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-lint-'));
});
afterAll(async () => {
	if (work) await rm(work, {recursive: true, force: true});
});

describe('registry-lab lesson lint, built', () => {
	it('exits 0 for the lessons that ship, one line each', async () => {
		const result = await lint(['lessons/registries.yaml']);
		expect(result.stdout).toMatch(/^lessons\/registries\.yaml: ok, \d+ steps$/);
		expect(result.exitCode).toBe(0);
	});

	it('exits 1 with FILE:LINE:COLUMN lines for a broken lesson, and for a file it cannot read', async () => {
		const result = await lint(['test/fixtures/lessons/broken.yaml', 'lessons/registries.yaml', path.join(work, 'missing.yaml')]);
		const out = result.stdout.trim().split('\n');
		expect(out[0]).toMatch(/^test\/fixtures\/lessons\/broken\.yaml:7:34: steps\.0\.body: \{digest\} is a fact of the 'manifest' check/);
		expect(out).toHaveLength(8);
		expect(out[6]).toMatch(/^lessons\/registries\.yaml: ok, \d+ steps$/);
		expect(out[7]).toBe(`${path.join(work, 'missing.yaml')}: no such file`);
		expect(result.exitCode).toBe(1);
	});

	it('reads YAML with the bundled reader: a tag is refused at its place', async () => {
		const file = path.join(work, 'tagged.yaml');
		await writeFile(file, 'id: x\ntitle: !!str X\nsteps: []\n');
		const result = await lint([file]);
		expect(result.stdout).toBe(`${file}:2:8: tags (!!str) are not supported in a lesson: quote a value to keep it text`);
		expect(result.exitCode).toBe(1);
	});

	it('shows what a lesson file says, never obeys it: control characters are shown as pictures', async () => {
		const file = path.join(work, 'hostile.yaml');
		await writeFile(file, 'id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: b\n    "\\e]0;owned\\a": 1\n');
		const result = await lint([file]);
		expect(result.stdout).not.toContain('\u001B');
		expect(result.stdout).toContain("unknown field '␛]0;owned␇'");
		expect(result.exitCode).toBe(1);
	});

	it('--json: one document with every file', async () => {
		const result = await lint(['--json', 'test/fixtures/lessons/broken-fields.yaml']);
		const json = JSON.parse(result.stdout) as {
			ok: boolean;
			files: {file: string; ok: boolean; problems: {line: number; column: number; message: string}[]}[];
		};
		expect(json.ok).toBe(false);
		expect(json.files[0]?.problems[0]).toEqual({
			line: 8,
			column: 5,
			message: expect.stringMatching(/^steps\.0\.comand: unknown field 'comand'\. Did you mean 'command'\?/),
		});
		expect(result.exitCode).toBe(1);
	});

	it('exits 2 without a FILE, or with an unknown option', async () => {
		const none = await lint([]);
		expect(none.stderr).toMatch(/registry-lab lesson lint: name at least one lesson file/);
		expect(none.exitCode).toBe(2);
		const unknown = await lint(['--jsno', 'lessons/registries.yaml']);
		expect(unknown.exitCode).toBe(2);
		const group = await runCommand({file: process.execPath, args: [builtCli, 'lesson', 'lnit'], env: {NO_COLOR: '1'}, timeoutMs: 60_000});
		expect(group.stderr).toMatch(/did you mean lesson lint\?/);
		expect(group.exitCode).toBe(2);
	});
});
