import {describe, expect, it} from 'vitest';
import {doctorText, type DoctorCheck} from '../../src/commands/doctor.js';

const pass: DoctorCheck = {id: 'engine-cli', status: 'pass', summary: 'The docker program is installed (version 28.2.2).'};
const warn: DoctorCheck = {id: 'disk', status: 'warn', summary: 'Only 1.2 GiB free in your home folder: pulls and pushes may fail.', fix: 'Free some space.'};
const fail: DoctorCheck = {id: 'registry', status: 'fail', summary: '127.0.0.1:5000 could not be reached.', fix: 'Check that the registry is running.'};

describe('doctorText', () => {
	it('one line per check, the fix indented under it, and the verdict last', () => {
		expect(doctorText([pass, fail]).split('\n')).toEqual([
			'✔ pass  The docker program is installed (version 28.2.2).',
			'✘ FAIL  127.0.0.1:5000 could not be reached.',
			'        fix: Check that the registry is running.',
			'',
			'1 problem to fix (marked FAIL). Do each fix, then run registry-lab doctor again.',
		]);
	});

	it('counts failures and warnings in plain words', () => {
		expect(doctorText([fail, fail, warn]).split('\n').at(-1)).toBe(
			'2 problems to fix (marked FAIL), and 1 warning. Do each fix, then run registry-lab doctor again.',
		);
		expect(doctorText([pass, warn]).split('\n').at(-1)).toBe('Nothing failed, but read the 1 warning above.');
		expect(doctorText([pass]).split('\n').at(-1)).toBe('Everything is ready for the lesson.');
	});
});
