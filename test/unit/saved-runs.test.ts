import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import type {RegistryChoice} from '../../src/driver/lab-vars.js';
import {quit, type Port, type Question, type ResumeOfferView} from '../../src/driver/port.js';
import {offeredRun, savedRuns, unfinishedLine, type SavedRun} from '../../src/driver/saved-run.js';
import {startUp} from '../../src/driver/start-up.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {openProgressStore, type LessonProgress} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';
import {lessonFrom, registryLesson} from '../helpers/lesson.js';

const progress = (over: Partial<LessonProgress> & Pick<LessonProgress, 'registry' | 'registryKind'>): LessonProgress => ({
	vars: {},
	stepId: 'push',
	completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'],
	finished: false,
	stats: {},
	updatedAt: '2025-01-01T10:00:00.000Z',
	...over,
});

// As the store gives them: the most recently updated first.
const practice = progress({
	registry: '127.0.0.1:41234',
	registryKind: 'practice',
	vars: {
		username: 'student',
		image: 'registry-lab-starter:1.0',
		target: '127.0.0.1:41234/student/first-image:1.0',
		digest: `sha256:${'a'.repeat(64)}`,
		pullRef: '127.0.0.1:41234/classmate/hello:1.0',
	},
	stepId: 'login',
	completed: ['what-is-a-registry', 'account'],
});
const classRun = progress({
	registry: '127.0.0.1:5000',
	registryKind: 'class',
	vars: {username: 'alice', practicePassword: 'from-an-edited-file', registryArg: '--debug'},
	stepId: 'tag',
	completed: ['what-is-a-registry', 'account', 'login'],
});
const hubRun = progress({registry: 'docker.io', registryKind: 'hub', vars: {username: 'alicestudent'}, stepId: 'account', completed: ['what-is-a-registry']});

const registries = await registryLesson();
const classChoice: RegistryChoice = {kind: 'class', host: '127.0.0.1:5000'};

describe('the saved runs a start offers', () => {
	it('only unfinished runs with a step done, with what the lesson saves; a practice run keeps only what is on this computer (local-image inputs)', () => {
		const finished = progress({registry: '10.0.0.1:5000', registryKind: 'class', finished: true});
		const untouched = progress({registry: '10.0.0.2:5000', registryKind: 'class', completed: []});
		const runs = savedRuns(registries, [practice, finished, classRun, untouched, hubRun]);
		expect(runs.map(run => run.choice)).toEqual([{kind: 'practice'}, classChoice, {kind: 'hub'}]);
		// The next practice registry has another address, its own account and its own classmate: only the image still holds.
		expect(runs[0]?.vars).toEqual({image: 'registry-lab-starter:1.0'});
		// Only what the lesson saves comes back: a name the file gained otherwise never replaces one of the lab's own.
		expect(runs[1]?.vars).toEqual({username: 'alice'});
	});

	it('a practice run of another lesson keeps its own local-image input, whatever it is called', () => {
		const lesson = lessonFrom(`
id: other
title: Other
steps:
  - id: pick
    title: Pick
    body: x
    inputs:
      - {id: source, label: Source, kind: local-image}
      - {id: version, label: Version}
    check: {type: local-image, reference: "{source}"}
`);
		const run = progress({
			registry: '127.0.0.1:41234',
			registryKind: 'practice',
			vars: {source: 'mine:1', version: '2.0', imageId: 'sha256:x'},
			stepId: 'pick',
		});
		expect(savedRuns(lesson, [run])[0]?.vars).toEqual({source: 'mine:1'});
		expect(savedRuns(lesson, [{...run, registry: '127.0.0.1:5000', registryKind: 'class'}])[0]?.vars).toEqual({
			source: 'mine:1',
			version: '2.0',
			imageId: 'sha256:x',
		});
	});

	it('offers the run on the registry given on the command line, or with none the most recently updated', () => {
		const runs = savedRuns(registries, [practice, classRun, hubRun]);
		expect(offeredRun(runs, {kind: 'practice'})?.choice).toEqual({kind: 'practice'});
		expect(offeredRun(runs, classChoice)?.choice).toEqual(classChoice);
		// A class registry is named as host[:port], however it is typed.
		expect(offeredRun(runs, {kind: 'class', host: 'https://127.0.0.1:5000'})?.choice).toEqual(classChoice);
		expect(offeredRun(runs, {kind: 'hub'})?.choice).toEqual({kind: 'hub'});
		expect(offeredRun(runs, {kind: 'class', host: '127.0.0.1:5001'})).toBeUndefined();
		expect(offeredRun(runs, undefined)?.choice).toEqual({kind: 'practice'});
		expect(offeredRun([], undefined)).toBeUndefined();
	});

	it('names every unfinished run in one line, with its step', async () => {
		const lesson = await registryLesson();
		expect(unfinishedLine(lesson, savedRuns(registries, [classRun, practice, hubRun]))).toBe(
			'Unfinished: on the class registry 127.0.0.1:5000 as alice (step 5 of 9); on the practice registry (step 3 of 9); ' +
				'on Docker Hub as alicestudent (step 2 of 9).',
		);
	});
});

/** A face that records what it is told and answers the start-up's questions from a script; past the script it leaves. */
function scriptedPort(answers: readonly unknown[]) {
	const said: string[] = [];
	const asked: Question[] = [];
	const port: Port = {
		working: () => undefined,
		say: text => said.push(text),
		ask: question => {
			asked.push(question);
			return Promise.resolve((answers[asked.length - 1] ?? quit) as never);
		},
		show: () => undefined,
		output: () => undefined,
		move: () => Promise.resolve(quit),
	};
	const offers = () => asked.flatMap(question => (question.kind === 'resume' ? [question.offer] : []));
	return {port, said, asked, offers};
}

// No engine here: a start that gets as far as checking the engine is asked about the problem, and leaves.
const noEngine: Engine = {name: 'docker', bin: '/nonexistent/registry-lab-test/docker', env: {}};

async function start(lesson: Lesson, runs: readonly SavedRun[], choice: RegistryChoice | undefined, answers: readonly unknown[] = []) {
	const face = scriptedPort(answers);
	const setup = await startUp(face.port, {lesson, engine: noEngine, runs, ...(choice ? {choice} : {})}, new AbortController().signal, () => undefined);
	expect(setup).toBeUndefined();
	return face;
}

const where = (offer: ResumeOfferView | undefined) => offer && `${offer.where} step ${offer.step}`;

describe('the start, with unfinished runs on several registries', () => {
	it('--practice: says which runs are unfinished, and offers the practice run, not the newer class run', async () => {
		const lesson = await registryLesson();
		const runs = savedRuns(registries, [classRun, practice]);
		const face = await start(lesson, runs, {kind: 'practice'});
		expect(face.said).toEqual(['Unfinished: on the class registry 127.0.0.1:5000 as alice (step 5 of 9); on the practice registry (step 3 of 9).']);
		expect(face.offers().map(where)).toEqual(['the practice registry step 3']);
	});

	it('--registry: offers the run on that registry, not the newer practice run', async () => {
		const lesson = await registryLesson();
		const face = await start(lesson, savedRuns(registries, [practice, classRun]), classChoice);
		expect(face.offers().map(where)).toEqual(['127.0.0.1:5000 step 5']);
		expect(face.offers()[0]?.username).toBe('alice');
		expect(face.said[0]).toMatch(/^Unfinished: on the practice registry \(step 3 of 9\); on the class registry 127\.0\.0\.1:5000 as alice/);
	});

	it('a registry with no run of its own: nothing is offered, the other runs are named, and the start goes on', async () => {
		const lesson = await registryLesson();
		const face = await start(lesson, savedRuns(registries, [classRun]), {kind: 'practice'});
		expect(face.said).toEqual(['Unfinished: on the class registry 127.0.0.1:5000 as alice (step 5 of 9).']);
		expect(face.asked.map(question => question.kind)).toEqual(['engine-problem']);
	});

	it('no registry given: offers the most recently updated run; only one run, offered: no list', async () => {
		const lesson = await registryLesson();
		const both = await start(lesson, savedRuns(registries, [practice, classRun]), undefined);
		expect(both.offers().map(where)).toEqual(['the practice registry step 3']);
		const one = await start(lesson, savedRuns(registries, [classRun]), undefined);
		expect(one.offers().map(where)).toEqual(['127.0.0.1:5000 step 5']);
		expect(one.said).toEqual([]);
	});

	it('no registry given: start over, then choosing a registry with a run of its own offers that run', async () => {
		const lesson = await registryLesson();
		const face = await start(lesson, savedRuns(registries, [practice, classRun]), undefined, ['start-over', classChoice]);
		expect(face.asked.map(question => question.kind)).toEqual(['resume', 'registry', 'resume']);
		expect(face.offers().map(where)).toEqual(['the practice registry step 3', '127.0.0.1:5000 step 5']);
	});

	it('no registry given: start over, then choosing the same registry asks no more', async () => {
		const lesson = await registryLesson();
		const face = await start(lesson, savedRuns(registries, [practice, classRun]), undefined, ['start-over', {kind: 'practice'}]);
		expect(face.asked.map(question => question.kind)).toEqual(['resume', 'registry', 'engine-problem']);
	});

	it('resuming the offered run makes its registry the choice: no registry question', async () => {
		const lesson = await registryLesson();
		const face = await start(lesson, savedRuns(registries, [classRun, practice]), undefined, ['resume']);
		expect(face.asked.map(question => question.kind)).toEqual(['resume', 'engine-problem']);
	});
});

describe('the CLI start, from the progress file', () => {
	it('plain mode: names the unfinished runs, then offers the run on the registry given with --registry', async () => {
		const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-saved-runs-'));
		try {
			const store = openProgressStore({cwd: home});
			store.save('registries', classRun);
			store.save('registries', {...practice, updatedAt: '2025-01-02T10:00:00.000Z'});
			const result = await runCommand({
				file: process.execPath,
				args: ['--import', 'tsx', 'src/main.ts', '--plain', '--registry', '127.0.0.1:5000'],
				env: {REGISTRY_LAB_HOME: home, NO_COLOR: '1'},
				stdin: 'q\n',
				timeoutMs: 30_000,
			});
			expect(result.stdout).toContain('Unfinished: on the practice registry (step 3 of 9); on the class registry 127.0.0.1:5000 as alice (step 5 of 9).');
			expect(result.stdout).toContain('Last time you got to step 5 of 9, "Name it for the registry", on 127.0.0.1:5000 as alice.');
			expect(result.stdout.indexOf('Unfinished:')).toBeLessThan(result.stdout.indexOf('Last time'));
			expect(result.exitCode).toBe(1);
			// Leaving at the offer changes nothing.
			expect(openProgressStore({cwd: home}).runs('registries')).toHaveLength(2);
		} finally {
			await rm(home, {recursive: true, force: true});
		}
	});
});
