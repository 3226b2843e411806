import {describe, expect, it} from 'vitest';
import {chooseMode, type ModeInputs} from '../../src/plain/mode.js';
import {plainText} from '../../src/plain/text.js';
import {paragraphs} from '../../src/text/paragraphs.js';

const terminal: ModeInputs = {plain: false, stdinTty: true, stdoutTty: true, stdinReadable: true, env: {TERM: 'xterm-256color'}};

describe('choosing between the screen and the plain mode', () => {
	it('a real terminal gets the screen', () => {
		expect(chooseMode(terminal)).toEqual({kind: 'interactive'});
	});

	it('--plain always means plain, even with nothing to read answers from', () => {
		expect(chooseMode({...terminal, plain: true})).toMatchObject({kind: 'plain'});
		expect(chooseMode({...terminal, plain: true, stdinTty: false, stdinReadable: false})).toMatchObject({kind: 'plain'});
	});

	it('NO_COLOR (not empty) and TERM=dumb choose plain in a terminal', () => {
		expect(chooseMode({...terminal, env: {NO_COLOR: '1'}})).toEqual({kind: 'plain', why: 'NO_COLOR'});
		expect(chooseMode({...terminal, env: {NO_COLOR: ''}})).toEqual({kind: 'interactive'});
		expect(chooseMode({...terminal, env: {TERM: 'dumb'}})).toEqual({kind: 'plain', why: 'TERM=dumb'});
	});

	it('a pipe on either side chooses plain', () => {
		expect(chooseMode({...terminal, stdoutTty: false})).toEqual({kind: 'plain', why: 'no terminal'});
		expect(chooseMode({...terminal, stdinTty: false})).toEqual({kind: 'plain', why: 'no terminal'});
	});

	it('no terminal and nothing to read answers from (stdin is /dev/null or closed) still needs a terminal', () => {
		expect(chooseMode({...terminal, stdinTty: false, stdoutTty: false, stdinReadable: false})).toEqual({kind: 'no-terminal'});
		expect(chooseMode({...terminal, stdinTty: false, stdinReadable: false, env: {NO_COLOR: '1'}})).toEqual({kind: 'no-terminal'});
	});
});

describe('plain text', () => {
	it('joins each paragraph of lesson text into one line and keeps indented lines', () => {
		expect(paragraphs('An image lives\non one machine.\n\n  username: a\n  password: b\n')).toBe(
			'An image lives on one machine.\n\n  username: a\n  password: b',
		);
	});

	it('drops colour codes and carriage-return redraws from what a program printed', () => {
		expect(plainText('\u001B[32mPushed\u001B[0m')).toBe('Pushed');
		expect(plainText('Pushing 10%\rPushing 50%\rPushed')).toBe('Pushed');
		expect(plainText('\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007')).toBe('link');
	});
});
