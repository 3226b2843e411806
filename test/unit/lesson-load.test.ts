import {describe, expect, it} from 'vitest';
import {builtInLessonsDir, loadLessonFile, loadLessons, parseLesson} from '../../src/lesson/load.js';
import {stepApplies} from '../../src/lesson/steps.js';

describe('the shipped lessons', () => {
	it('all load without errors', async () => {
		const results = await loadLessons();
		expect(results.length).toBeGreaterThan(0);
		for (const result of results) expect(result.ok ? [] : result.errors, result.file).toEqual([]);
	});

	it('the registry lesson walks through login, tag, push, see, pull and done for every kind of registry', async () => {
		const result = await loadLessonFile(`${builtInLessonsDir()}/registries.yaml`);
		if (!result.ok) throw new Error(result.errors.join('\n'));
		for (const kind of ['hub', 'class', 'practice'] as const) {
			const ids = result.lesson.steps.filter(step => stepApplies(step, kind)).map(step => step.id);
			expect(ids).toEqual(['what-is-a-registry', 'account', 'login', 'choose-image', 'tag', 'push', 'see-it', 'pull', 'done']);
		}
	});

	it.each(['registries.yaml', 'versions.yaml'])('%s sends the password on stdin and never as an argument', async file => {
		const result = await loadLessonFile(`${builtInLessonsDir()}/${file}`);
		if (!result.ok) throw new Error(result.errors.join('\n'));
		const login = result.lesson.steps.find(step => step.id === 'login')!;
		expect(login.command?.stdin).toBe('{password}');
		expect(login.command?.args.join(' ')).not.toContain('{password}');
		expect(login.command?.args).toContain('--password-stdin');
	});

	it('the versions lesson tags 1.0, 2.0 and latest, pushes each, lists them, removes 1.0 and pulls it back, for every kind of registry', async () => {
		const result = await loadLessonFile(`${builtInLessonsDir()}/versions.yaml`);
		if (!result.ok) throw new Error(result.errors.join('\n'));
		expect(result.lesson).toMatchObject({id: 'versions', title: 'Versions and tags'});
		for (const kind of ['hub', 'class', 'practice'] as const) {
			const steps = result.lesson.steps.filter(step => stepApplies(step, kind));
			expect(steps.map(step => step.id)).toEqual([
				'what-is-a-tag',
				'account',
				'login',
				'choose-image',
				'tag-1',
				'tag-2',
				'tag-latest',
				'push-1',
				'push-2',
				'push-latest',
				'list-tags',
				'remove-1',
				'pull-1',
				'pull-latest',
				'who-can-pull',
				'done',
			]);
			const command = (id: string) => steps.find(step => step.id === id)?.command?.args;
			expect(command('tag-2')).toEqual(['tag', '{image}', '{target2}']);
			expect(command('push-latest')).toEqual(['push', '{targetLatest}']);
			// One name is removed, without -f; the pull without a tag names the repository alone.
			expect(command('remove-1')).toEqual(['rmi', '{target}']);
			expect(command('pull-latest')).toEqual(['pull', '{repo}']);
			expect(steps.find(step => step.id === 'list-tags')?.check).toEqual({type: 'tags', reference: '{targetLatest}'});
		}
	});
});

describe('parseLesson reports problems with where they are', () => {
	it('bad YAML', () => {
		const result = parseLesson('id: [unclosed', 'x.yaml');
		expect(result).toMatchObject({ok: false, errors: ['x.yaml:1:5: this [ is not closed with ]']});
	});

	it('a missing field and an unknown check type', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - id: a\n    body: hi\n    check: {type: teleport}\n');
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.errors.join('\n')).toMatch(/steps\.0\.title/);
			expect(result.errors.join('\n')).toMatch(/steps\.0\.check\.type/);
		}
	});

	it('an unknown key (a typo) is refused', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: hi\n    comand: {args: [push]}\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.join('\n')).toMatch(/comand/);
	});

	it('a variable that no step sets', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: "push {target}"\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.join('\n')).toMatch(/\{target\} is not a variable/);
	});

	it('a variable used before the step that asks it', () => {
		const result = parseLesson(
			'id: x\ntitle: X\nsteps:\n  - {id: a, title: A, body: "{name}"}\n  - {id: b, title: B, body: b, inputs: [{id: name, label: Name}]}\n',
			'x.yaml',
		);
		expect(result.ok ? [] : result.errors).toEqual([
			'x.yaml:4:30: steps.0.body: {name} is used before any step sets it: ' +
				'an input or a derived variable of a later step is known only from that step on.',
		]);
	});

	it('a step id used twice for the same registry kind', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - {id: a, title: A, body: one}\n  - {id: a, title: A, body: two}\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.join('\n')).toMatch(/'a' is used twice/);
	});

	it('a fact ({digest}) in the first step, before any check finds it', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: "your digest is {digest}"\n', 'x.yaml');
		expect(result).toMatchObject({
			ok: false,
			errors: [
				"x.yaml:6:27: steps.0.body: {digest} is a fact of the 'manifest' check, known only in the steps after one whose check is of that type; " +
					'no step before this one has one.',
			],
		});
	});

	it('a fact in the step whose own check finds it, and in the steps after it', () => {
		const steps = [
			'  - id: push',
			'    title: Push',
			'    body: pushed {digest}',
			'    check: {type: manifest, reference: x}',
			'  - id: see',
			'    title: See',
			'    body: "digest {digest} at {repositoryUrl}"',
		];
		const result = parseLesson(`id: x\ntitle: X\nsteps:\n${steps.join('\n')}\n`, 'x.yaml');
		expect(result.ok ? [] : result.errors).toEqual([
			"x.yaml:6:18: steps.0.body: {digest} is a fact of the 'manifest' check, known only in the steps after one whose check is of that type " +
				"(this step's own check finds it when it passes: use it from the next step on).",
		]);
	});

	it('a placeholder that nothing defines, at the string that uses it', () => {
		const result = parseLesson('id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: hi\n    command: {args: [push, "{registy}/x"]}\n', 'x.yaml');
		expect(result.ok ? [] : result.errors).toEqual([
			expect.stringMatching(/^x\.yaml:7:29: steps\.0\.command\.args\.1: \{registy\} is not a variable: .* Did you mean 'registry'\?/),
		]);
	});

	it('a missing file', async () => {
		const result = await loadLessonFile('/nonexistent/lesson.yaml');
		expect(result).toMatchObject({ok: false, errors: ['no such file']});
	});
});
