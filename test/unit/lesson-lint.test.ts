import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {lintFile, lintLine} from '../../src/commands/lesson.js';
import {builtInLessonsDir} from '../../src/lesson/load.js';

const lines = async (file: string): Promise<string[]> => {
	const result = await lintFile(file);
	return result.ok ? [`ok, ${result.steps} steps`] : result.problems.map(problem => lintLine(result.file, problem));
};

describe('registry-lab lesson lint', () => {
	it('passes every lesson that ships', async () => {
		const dir = builtInLessonsDir();
		const names = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name));
		expect(names.length).toBeGreaterThan(0);
		for (const name of names) {
			const result = await lintFile(path.join(dir, name));
			expect(result.problems, name).toEqual([]);
			expect(result.ok, name).toBe(true);
		}
	});

	it('names every mistake of a lesson whose fields are right, at its line and column, with what to write instead', async () => {
		const file = 'test/fixtures/lessons/broken.yaml';
		expect(await lines(file)).toEqual([
			`${file}:7:34: steps.0.body: {digest} is a fact of the 'manifest' check, known only in the steps after one whose check is of that type; ` +
				'no step before this one has one.',
			`${file}:10:12: steps.1.title: the step's title is empty: write what the student reads here.`,
			`${file}:11:19: steps.1.body: {registy} is not a variable: not built in, nor an input, a derived variable or a check's fact. ` +
				"Did you mean 'registry'? Built in: registry, registryKind, registryArg, registryPrefix, engine, signupUrl, tokenUrl, " +
				'practicePassword, username, classmateImage.',
			`${file}:17:9: steps.2.id: the step id 'second' is used twice for every kind of registry: give this step an id of its own, ` +
				'or give the two steps different registries (registries: [hub]).',
			`${file}:19:28: steps.2.body: {password} is a secret: it may only go to the engine on standard input (command.stdin), ` +
				'never on screen, in a check or in the arguments.',
			`${file}:21:14: steps.2.command.args.0: not allowed: lessons may not run 'system' (allowed: login, logout, tag, push, pull, images, ` +
				'image ls, image list, image inspect, image rm, image tag, image push, image pull, rmi, run).',
		]);
	});

	it('names an unknown field, an unknown check type and a missing field, with the closest known ones', async () => {
		const file = 'test/fixtures/lessons/broken-fields.yaml';
		expect(await lines(file)).toEqual([
			`${file}:8:5: steps.0.comand: unknown field 'comand'. Did you mean 'command'? ` +
				'The fields here: id, title, body, tip, registries, link, inputs, derive, before, command, check.',
			`${file}:11:13: steps.0.check.type: unknown check type 'manifset'. Did you mean 'manifest'? The check types, closest first: ` +
				'manifest, tags, recorded, same-image, namespace, logged-in, local-image, valid-reference, registry-host, hub-user-exists, classmate-image.',
			`${file}:14:9: steps.0.before.0.reference: the field 'reference' is missing (a string).`,
		]);
	});

	it('says so of a file it cannot read', async () => {
		expect(await lines('/nonexistent/lesson.yaml')).toEqual(['/nonexistent/lesson.yaml: no such file']);
	});
});
