import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {progressSaver} from '../../src/commands/lab.js';
import {quit, type Move, type MoveRequest, type Port, type Quit} from '../../src/driver/port.js';
import {startLab} from '../../src/driver/run-lab.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {openProgressStore} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {requireEngine, tempDockerConfig, testEngine} from '../helpers/engine.js';
import {registryLesson} from '../helpers/lesson.js';
import {startTestRegistry} from '../helpers/registry.js';

const student = {username: 'student', password: 'never-saved-pass-4821'};

let lesson: Lesson;
let registry: PracticeRegistry;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	registry = await startTestRegistry([student]);
	cleanups.push(() => registry.stop());
});

afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/**
 * A student who goes through the lesson up to the step `until`: each question answered from `answers`
 * (by input id), each step run or continued; leaves once the run is at `until`.
 */
function studentFace(answers: (id: string, request: MoveRequest) => string, until: string) {
	const requests: MoveRequest[] = [];
	const port: Port = {
		working: () => undefined,
		say: () => undefined,
		ask: async () => quit,
		show: () => undefined,
		output: () => undefined,
		move: async (request): Promise<Move | Quit> => {
			requests.push(request);
			const {state} = request.view;
			if (state.steps[state.index]?.id === until) return quit;
			if (request.input) return {name: 'answer', value: answers(request.input.input.id, request)};
			const names = request.actions.map(action => action.name);
			if (names.includes('next')) return {name: 'next'};
			if (names.includes('run')) return {name: 'run'};
			return quit;
		},
	};
	return {port, requests};
}

async function tempHome(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-saved-state-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	return dir;
}

describe('a secret is never saved', () => {
	it('after the login step on a class registry the progress file holds the username, never the password', async () => {
		const home = await tempHome();
		const store = openProgressStore({cwd: home});
		const config = await tempDockerConfig();
		cleanups.push(() => config.cleanup());
		const face = studentFace(id => (id === 'password' ? student.password : student.username), 'choose-image');
		await startLab(face.port, {
			lesson,
			engine: testEngine(config.env),
			choice: {kind: 'class', host: registry.host},
			onProgress: progressSaver(store),
		}).done;
		expect(face.requests.at(-1)?.view.state.completed).toEqual(['what-is-a-registry', 'account', 'login']);
		const text = await readFile(store.path, 'utf8');
		expect(JSON.parse(text)).toMatchObject({version: 3, lessons: {registries: {[registry.host]: {vars: {username: 'student'}, stepId: 'choose-image'}}}});
		expect(text).not.toContain(student.password);
		expect(text).not.toContain('"password"');
	});

	it('after the login step on a practice registry the file holds neither the practice password nor the lab-made tips', async () => {
		const home = await tempHome();
		const store = openProgressStore({cwd: home});
		const config = await tempDockerConfig();
		cleanups.push(() => config.cleanup());
		let practicePassword = '';
		const face = studentFace((id, request) => {
			practicePassword = request.view.state.vars.practicePassword ?? '';
			return id === 'password' ? practicePassword : 'x';
		}, 'choose-image');
		await startLab(face.port, {lesson, engine: testEngine(config.env), choice: {kind: 'practice'}, onProgress: progressSaver(store)}).done;
		expect(face.requests.at(-1)?.view.state.completed).toEqual(['what-is-a-registry', 'account', 'login']);
		expect(practicePassword).not.toBe('');
		const text = await readFile(store.path, 'utf8');
		expect(text).not.toContain(practicePassword);
		const run = openProgressStore({cwd: home}).get('registries', 'practice');
		// Nothing of the lesson's own was answered yet on a practice registry: the account is the lab's, and made again next time.
		expect(run?.vars).toEqual({});
	});
});
