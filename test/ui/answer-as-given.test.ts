import {describe, expect, it} from 'vitest';
import type {MoveRequest} from '../../src/driver/port.js';
import {safeDeep} from '../../src/text/terminal-safe.js';
import {original} from '../../src/ui/app.js';

const hostile = 'demo\u001B]0;x\u0007:1.0';

/** Only the parts of a request that `original` reads. */
function request(fields: {options?: string[]; defaultValue?: string; command?: string}): MoveRequest {
	const input = {
		label: 'Image',
		secret: false,
		...(fields.defaultValue === undefined ? {} : {defaultValue: fields.defaultValue}),
		...(fields.options ? {pick: {heading: 'Images', options: fields.options.map(value => ({value, label: value}))}} : {}),
	};
	return {view: {command: fields.command ?? null}, actions: [], input} as unknown as MoveRequest;
}

describe('what the app gives back to the driver', () => {
	it('is the picked option as the driver gave it, not as it was shown', () => {
		const given = request({options: ['alpine:3', hostile]});
		const shown = safeDeep(given);
		expect(shown.input?.pick?.options[1]?.value).toBe('demo␛]0;x␇:1.0');
		expect(original({name: 'answer', value: 'demo␛]0;x␇:1.0'}, given, shown)).toEqual({name: 'answer', value: hostile});
		expect(original({name: 'answer', value: 'alpine:3'}, given, shown)).toEqual({name: 'answer', value: 'alpine:3'});
	});

	it('is the default and the command line as given when they were taken as shown, and anything typed as typed', () => {
		const given = request({defaultValue: hostile, command: `docker pull ${hostile}`});
		const shown = safeDeep(given);
		expect(original({name: 'answer', value: shown.input!.defaultValue!}, given, shown)).toEqual({name: 'answer', value: hostile});
		expect(original({name: 'typed', line: shown.view.command!}, given, shown)).toEqual({name: 'typed', line: `docker pull ${hostile}`});
		expect(original({name: 'answer', value: 'typed:1.0'}, given, shown)).toEqual({name: 'answer', value: 'typed:1.0'});
		expect(original({name: 'next'}, given, shown)).toEqual({name: 'next'});
	});
});
