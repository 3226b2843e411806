import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {progressSaver} from '../../src/commands/lab.js';
import {verifyCommand} from '../../src/commands/verify.js';
import {quit, type AnswerOf, type Move, type MoveRequest, type Port, type Question, type Quit} from '../../src/driver/port.js';
import {startLab, type LabOptions} from '../../src/driver/run-lab.js';
import {savedRuns} from '../../src/driver/saved-run.js';
import {parseLesson} from '../../src/lesson/load.js';
import {savedNames} from '../../src/lesson/saved-names.js';
import type {Step} from '../../src/lesson/schema.js';
import {openProgressStore} from '../../src/progress/store.js';
import {testEngine} from '../helpers/engine.js';
import {lessonFrom} from '../helpers/lesson.js';

/** A lesson an instructor wrote: its own input, `version`, that no TypeScript knows of. */
const scratchText = `
id: scratch
title: Scratch
steps:
  - id: pick-version
    title: Pick a version
    body: Which version will you ship?
    inputs:
      - id: version
        label: Version
        validate: tag
    check: {type: recorded, value: "{version}"}
  - id: use-version
    title: Ship version {version}
    body: Now a note for {version}.
    inputs:
      - id: note
        label: Note
    check: {type: recorded, value: "{version} {note}"}
`;
const scratch = lessonFrom(scratchText);
const host = '127.0.0.1:5999';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
	vi.unstubAllEnvs();
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-saved-state-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	return dir;
}

/** A face that answers from a script and records every move it was asked for. */
function scriptedPort(script: {ask?: (question: Question) => unknown; move: (request: MoveRequest, count: number) => Move | Quit}) {
	const requests: MoveRequest[] = [];
	const said: string[] = [];
	const port: Port = {
		working: () => undefined,
		say: text => void said.push(text),
		ask: async <Q extends Question>(question: Q) => (script.ask?.(question) ?? quit) as AnswerOf<Q> | Quit,
		show: () => undefined,
		output: () => undefined,
		move: async request => {
			requests.push(request);
			return script.move(request, requests.length);
		},
	};
	return {port, requests, said};
}

const run = (port: Port, options: Partial<LabOptions>) => startLab(port, {lesson: scratch, engine: testEngine(), ...options}).done;

describe('what is saved follows the lesson', () => {
	it('an input only this lesson has is saved: verify finds {version}, and resuming goes on at the next step', async () => {
		const home = await tempDir();
		const store = openProgressStore({cwd: home});
		// Step 1: answer the version, its check passes; then on to step 2 and leave.
		const first = scriptedPort({move: (_request, count) => (count === 1 ? {name: 'answer', value: '2.0'} : count === 2 ? {name: 'next'} : quit)});
		await run(first.port, {choice: {kind: 'class', host}, onProgress: progressSaver(store)});
		expect(first.requests.at(-1)?.view.state.index).toBe(1);

		// verify, as the student runs it: the step done passes, with the version saved.
		const file = path.join(home, 'scratch.yaml');
		await writeFile(file, scratchText);
		vi.stubEnv('REGISTRY_LAB_HOME', home);
		const printed: string[] = [];
		expect(await verifyCommand(['--lesson', file, '--registry', host, '--json'], text => void printed.push(text))).toBe(1);
		const report = JSON.parse(printed.join('')) as {steps: {id: string; ok: boolean; summary: string; detail?: string}[]};
		expect(report.steps[0]).toMatchObject({id: 'pick-version', ok: true, summary: 'Noted: 2.0.'});
		expect(printed.join('')).not.toContain('{version}');
		// Step 2 was not done: only its own answer is missing.
		expect(report.steps[1]).toMatchObject({id: 'use-version', ok: false, detail: 'Nothing was saved for {note}.'});

		// Resume: the start offers the run, re-checks step 1 (it still holds) and goes on at step 2.
		const again = scriptedPort({ask: question => (question.kind === 'resume' ? 'resume' : quit), move: () => quit});
		const runs = savedRuns(scratch, openProgressStore({cwd: home}).runs('scratch'));
		await run(again.port, {choice: {kind: 'class', host}, runs});
		const resumed = again.requests[0]?.view.state;
		expect(again.said.filter(text => text.startsWith('Back to'))).toEqual([]);
		expect(resumed?.index).toBe(1);
		expect(resumed?.vars.version).toBe('2.0');
		expect(resumed?.completed).toEqual(['pick-version']);
		expect(await readFile(store.path, 'utf8')).toContain('"version": "2.0"');
	});

	it('the names saved come from the lesson: inputs but secrets, derived variables, facts of its checks; never the lab’s own', () => {
		const names = savedNames(scratch.steps);
		expect([...names].sort()).toEqual(['note', 'version']);
		const step = (over: Partial<Step>): Step => ({id: 's', title: 't', body: 'b', inputs: [], derive: {}, before: [], ...over});
		const steps = [
			step({
				inputs: [
					{id: 'user', label: 'User', kind: 'text'},
					{id: 'password', label: 'Password', kind: 'secret'},
					{id: 'source', label: 'Image', kind: 'local-image'},
				],
				// The loader refuses this; were it let through, it would still not be saved.
				derive: {auth: '{user}:{password}', target: 'r/{user}/x:1'},
				before: [{type: 'local-image', reference: '{source}'}],
				check: {type: 'manifest', reference: '{target}'},
			}),
		];
		expect([...savedNames(steps)].sort()).toEqual(['digest', 'imageId', 'repositoryUrl', 'source', 'target', 'user']);
	});

	it('the loader refuses deriving from a secret, so nothing made from one reaches the progress file', () => {
		const result = parseLesson(`
id: bad
title: Bad
steps:
  - id: login
    title: Log in
    body: x
    inputs: [{id: password, label: Password, kind: secret}]
    derive: {auth: "me:{password}"}
`);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.errors.join('\n')).toMatch(/steps\.0\.derive\.auth: \{password\} is a secret/);
	});
});
