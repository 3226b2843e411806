import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import {quit, type MoveRequest, type Port} from '../../src/driver/port.js';
import {startLab, starterChoice} from '../../src/driver/run-lab.js';
import {registryLesson} from '../helpers/lesson.js';

let dir: string;
let bin: string;

/** A stand-in engine: it answers `version`, and `images` lists alpine, and the starter image when STARTER is set. */
beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-starter-choice-'));
	bin = path.join(dir, 'docker');
	await writeFile(
		bin,
		[
			'#!/bin/sh',
			'case "$1" in',
			`  version) echo '{"Client":{"Version":"99.0"},"Server":{"Version":"99.0"}}' ;;`,
			`  images)`,
			`    if [ -n "$STARTER" ]; then printf 'registry-lab-starter-alice\\t1.0\\tsha256:1234\\t1kB\\n'; fi`,
			`    printf 'alpine\\tlatest\\tsha256:abcd\\t8MB\\n' ;;`,
			'  *) exit 1 ;;',
			'esac',
		].join('\n'),
	);
	await chmod(bin, 0o755);
});

afterAll(() => rm(dir, {recursive: true, force: true}));

/** The list the image step offers, on an engine that has (or has not) made the starter image already. */
async function imagePick(starterMade: boolean): Promise<NonNullable<MoveRequest['input']>['pick']> {
	const lesson = await registryLesson();
	const engine: Engine = {name: 'docker', bin, env: {PATH: process.env.PATH, ...(starterMade ? {STARTER: '1'} : {})}};
	let pick: NonNullable<MoveRequest['input']>['pick'];
	const port: Port = {
		working: () => undefined,
		say: () => undefined,
		ask: () => Promise.resolve(quit),
		show: () => undefined,
		output: () => undefined,
		move: request => {
			pick = request.input?.pick;
			return Promise.resolve(quit);
		},
	};
	const session = startLab(port, {
		lesson,
		engine,
		choice: {kind: 'class', host: '127.0.0.1:5999'},
		start: {stepId: 'choose-image', vars: {username: 'alice'}, completed: ['what-is-a-registry', 'account', 'login']},
	});
	expect(await session.done).toEqual({finished: false});
	return pick;
}

describe('the starter image in the image list', () => {
	it('not made yet: offered first, to make', async () => {
		const pick = await imagePick(false);
		expect(pick?.options.map(option => option.label)).toEqual([
			'Make a small starter image (registry-lab-starter-alice:1.0, a few bytes, no download)',
			'alpine:latest  sha256:abcd  8MB',
		]);
		expect(pick?.options[0]?.value).toBe(starterChoice);
	});

	it('made already: offered first, to use as it is, and not listed a second time', async () => {
		const pick = await imagePick(true);
		expect(pick?.options.map(option => option.label)).toEqual([
			'Use the starter image (registry-lab-starter-alice:1.0, made earlier on this computer)',
			'alpine:latest  sha256:abcd  8MB',
		]);
		expect(pick?.options[0]?.value).toBe(starterChoice);
		expect(pick?.note).toBeUndefined();
	});
});
