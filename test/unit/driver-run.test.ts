import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startLab, type LabOptions} from '../../src/driver/run-lab.js';
import {progressOfRun} from '../../src/driver/save-progress.js';
import {quit, type AnswerOf, type Move, type MoveRequest, type Port, type Question, type Quit} from '../../src/driver/port.js';
import type {RunState} from '../../src/lesson-run/lesson-run.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {createHubClient} from '../../src/registry/hub-client.js';
import {testEngine} from '../helpers/engine.js';
import {closeServers, serveHttp, closedOrigin} from '../helpers/http-server.js';
import {registryLesson} from '../helpers/lesson.js';

let lesson: Lesson;
beforeAll(async () => {
	lesson = await registryLesson();
});
afterAll(closeServers);

/** A face that answers from a script and records what the driver said, asked and showed. */
function scriptedPort(script: {ask?: (question: Question, count: number) => unknown; move: (request: MoveRequest, count: number) => Move | Quit}) {
	const said: string[] = [];
	const questions: Question[] = [];
	const requests: MoveRequest[] = [];
	const port: Port = {
		working: () => undefined,
		say: text => void said.push(text),
		ask: async <Q extends Question>(question: Q) => {
			questions.push(question);
			return (script.ask?.(question, questions.length) ?? quit) as AnswerOf<Q> | Quit;
		},
		show: () => undefined,
		output: () => undefined,
		move: async request => {
			requests.push(request);
			return script.move(request, requests.length);
		},
	};
	return {port, said, questions, requests};
}

const run = (port: Port, options: Partial<LabOptions>) => startLab(port, {lesson, engine: testEngine(), ...options}).done;

describe('saving progress', () => {
	it('quitting before any step passed saves nothing: there is no unfinished run to resume', async () => {
		const saves: RunState[] = [];
		const face = scriptedPort({move: () => quit});
		const outcome = await run(face.port, {choice: {kind: 'class', host: '127.0.0.1:5999'}, onProgress: state => void saves.push(state)});
		expect(outcome).toEqual({finished: false});
		expect(face.requests).toHaveLength(1);
		expect(saves).toEqual([]);
	});

	it('once the first step passes, the run is saved', async () => {
		const saves: RunState[] = [];
		const face = scriptedPort({move: (_request, count) => (count === 1 ? {name: 'run'} : quit)});
		await run(face.port, {choice: {kind: 'class', host: '127.0.0.1:5999'}, onProgress: state => void saves.push(state)});
		expect(saves.map(state => state.completed)).toEqual([['what-is-a-registry']]);
	});

	it('saves when each step first passed (passedAt), which the completion code takes its time from', async () => {
		const saves: RunState[] = [];
		const face = scriptedPort({move: (_request, count) => (count === 1 ? {name: 'run'} : quit)});
		const before = Date.now();
		await run(face.port, {choice: {kind: 'class', host: '127.0.0.1:5999'}, onProgress: state => void saves.push(state)});
		const saved = progressOfRun(saves[0]!);
		expect(Object.keys(saved.passedAt ?? {})).toEqual(['what-is-a-registry']);
		const at = Date.parse(saved.passedAt!['what-is-a-registry']!);
		expect(at).toBeGreaterThanOrEqual(before);
		expect(at).toBeLessThanOrEqual(Date.now());
	});

	it('a resumed run keeps the times of the steps still completed and drops the others', async () => {
		const saves: RunState[] = [];
		const face = scriptedPort({move: () => quit});
		const passedAt = {'what-is-a-registry': '2026-01-05T10:00:00.000Z', account: '2026-01-05T10:01:00.000Z', login: '2026-01-05T10:02:00.000Z'};
		await run(face.port, {
			choice: {kind: 'class', host: '127.0.0.1:5999'},
			start: {stepId: 'login', vars: {username: 'alice'}, completed: ['what-is-a-registry', 'account'], passedAt},
			onProgress: state => void saves.push(state),
		});
		expect(progressOfRun(saves[0]!).passedAt).toEqual({'what-is-a-registry': '2026-01-05T10:00:00.000Z', account: '2026-01-05T10:01:00.000Z'});
	});
});

describe('changing an earlier answer where it is used', () => {
	it('edit on the login step asks the username again, saying which step it was given at, with the answer given as the default', async () => {
		const face = scriptedPort({
			move: (_request, count) => (count === 1 ? {name: 'answer', value: 'pw'} : count === 2 ? {name: 'edit'} : quit),
		});
		await run(face.port, {choice: {kind: 'class', host: '127.0.0.1:5999'}, start: {stepId: 'login', vars: {username: 'Alice'}}});
		const asked = face.requests[2]?.input;
		expect(asked).toMatchObject({label: 'Your username on 127.0.0.1:5999', defaultValue: 'Alice', from: {number: 2, title: 'Your account'}});
		expect(face.requests[0]?.input?.from).toBeUndefined();
	});
});

describe('Docker Hub that cannot be reached from here', () => {
	it('picked on the start screen: says why before step 1 and asks again, so the practice registry can be picked instead', async () => {
		const hub = createHubClient({baseUrl: await closedOrigin()});
		const face = scriptedPort({ask: (_question, count) => (count === 1 ? {kind: 'hub'} : quit), move: () => quit});
		expect(await run(face.port, {hub})).toEqual({finished: false});
		expect(face.questions.map(question => question.kind)).toEqual(['registry', 'registry']);
		const warning = face.said.find(text => text.startsWith('Docker Hub cannot be used from here right now'));
		expect(warning).toContain('Docker Hub could not be reached (connection refused)');
		expect(warning).toContain('Pick the practice registry');
		expect(face.requests).toHaveLength(0);
	});

	it('picked again after the warning: the lesson goes on with Docker Hub', async () => {
		const hub = createHubClient({baseUrl: await closedOrigin()});
		const face = scriptedPort({ask: () => ({kind: 'hub'}), move: () => quit});
		await run(face.port, {hub});
		expect(face.questions).toHaveLength(2);
		expect(face.requests).toHaveLength(1);
		expect(face.requests[0]?.view.state.registryKind).toBe('hub');
	});

	it('chosen with --hub: says why and points to --practice, then starts', async () => {
		const hub = createHubClient({baseUrl: await closedOrigin()});
		const face = scriptedPort({move: () => quit});
		await run(face.port, {hub, choice: {kind: 'hub'}});
		expect(face.said.find(text => text.startsWith('Docker Hub cannot be used from here'))).toContain('start again with --practice');
		expect(face.requests).toHaveLength(1);
	});

	it('a Docker Hub that answers (a user found or not) is not warned about', async () => {
		const served = await serveHttp((_request, response) => {
			response.writeHead(404, {'content-type': 'application/json'});
			response.end('{"message": "User not found"}');
		});
		const face = scriptedPort({ask: () => ({kind: 'hub'}), move: () => quit});
		await run(face.port, {hub: createHubClient({baseUrl: served.origin})});
		expect(face.questions).toHaveLength(1);
		expect(face.said.some(text => text.includes('Docker Hub cannot be used'))).toBe(false);
		expect(served.seen.map(seen => seen.url.pathname)).toEqual(['/v2/users/docker/']);
	});
});
