import type {EventEmitter} from 'node:events';
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {act} from 'react';
import type {Engine} from '../../src/container/engine.js';

/**
 * Give an ink-testing-library app a terminal of this size and tell it, as a terminal does on a
 * resize. Its stdout answers 100 columns and no rows until then.
 */
export async function resizeTerminal(app: {stdout: EventEmitter}, columns: number, rows: number): Promise<void> {
	await act(async () => {
		Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(app.stdout, 'rows', {value: rows, configurable: true});
		app.stdout.emit('resize');
		await new Promise(resolve => setImmediate(resolve));
	});
}

/**
 * An engine for the app's screens without a docker: `version` answers as a working docker does,
 * `images` lists these images (name:tag), and every other command prints its arguments and succeeds,
 * but `failing` (a subcommand), which prints a few lines of error, as docker does, and fails.
 */
export async function echoEngine(images: readonly string[] = [], failing?: string): Promise<{engine: Engine; cleanup: () => Promise<void>}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-echo-docker-'));
	const bin = path.join(dir, 'docker');
	const version = JSON.stringify({Client: {Version: '27.0.0'}, Server: {Version: '27.0.0'}});
	const listed = path.join(dir, 'images.txt');
	await writeFile(listed, images.map((image, index) => `${image.replace(/:([^:/]+)$/, '\t$1')}\t${String(index).padStart(12, '0')}\t5MB\n`).join(''));
	const script = [
		'#!/bin/sh',
		`if [ "$1" = version ]; then echo '${version}'; exit 0; fi`,
		`if [ "$1" = images ]; then cat '${listed}'; exit 0; fi`,
		...(failing
			? [
					`if [ "$1" = ${failing} ]; then`,
					'  for n in 1 2 3 4 5 6; do echo "a line of the engine saying what went wrong, number $n" >&2; done',
					'  echo "Error response from daemon: No such image: src:latest" >&2; exit 1',
					'fi',
				]
			: []),
		'echo "ran: $*"',
	];
	await writeFile(bin, `${script.join('\n')}\n`);
	await chmod(bin, 0o755);
	return {engine: {name: 'docker', bin, env: {...process.env}}, cleanup: () => rm(dir, {recursive: true, force: true})};
}
