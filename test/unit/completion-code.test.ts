import {describe, expect, it} from 'vitest';
import {codeReasons, crc32, decodeCompletionCode, encodeCompletionCode, type ClaimInput} from '../../src/checks/completion-code.js';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
const classClaim: ClaimInput = {
	lesson: 'registries',
	registry: '127.0.0.1:5000',
	pushed: '127.0.0.1:5000/alice/first-image:1.0',
	digest,
	pulled: '127.0.0.1:5000/bob/first-image:1.0',
	pulledAt: '2026-11-29T10:04:00.000Z',
};
const hubClaim: ClaimInput = {
	lesson: 'registries',
	registry: 'docker.io',
	pushed: 'alicestudent/first-image:1.0',
	digest,
	pulled: 'bobstudent/hello:latest',
	pulledAt: '2026-11-29T10:04:00.000Z',
};

describe('the completion code', () => {
	it('reads back what it was made from: the username from the pushed namespace, the digest to 12 hex digits, the time to the minute', () => {
		const code = encodeCompletionCode({...classClaim, pulledAt: '2026-11-29T10:04:37.512Z'});
		expect(code).toMatch(/^RL1(-[0-9A-HJKMNP-TV-Z]{1,5})+$/);
		expect(decodeCompletionCode(code)).toEqual({
			ok: true,
			claim: {
				lesson: 'registries',
				registry: '127.0.0.1:5000',
				username: 'alice',
				pushed: '127.0.0.1:5000/alice/first-image:1.0',
				digest: 'sha256:0123456789ab',
				pulled: '127.0.0.1:5000/bob/first-image:1.0',
				pulledAt: '2026-11-29T10:04:00.000Z',
			},
		});
	});

	it.each([
		['Docker Hub', hubClaim, {username: 'alicestudent', registry: 'docker.io', pulled: 'bobstudent/hello:latest'}],
		[
			'a host name with a capital and a tag with capitals',
			{...classClaim, registry: 'Class.example:443', pushed: 'Class.example:443/alice/web:V2_Final', pulled: 'Class.example:443/bob/web:V2_Final'},
			{pushed: 'Class.example:443/alice/web:V2_Final', pulled: 'Class.example:443/bob/web:V2_Final'},
		],
		[
			'an IPv6 registry',
			{...classClaim, registry: '[::1]:5000', pushed: '[::1]:5000/alice/x:1', pulled: '[::1]:5000/carol/other:2'},
			{pulled: '[::1]:5000/carol/other:2'},
		],
		['a pull from Docker Hub in a class', {...classClaim, pulled: 'bob/first-image:1.0'}, {pulled: 'docker.io/bob/first-image:1.0'}],
		['a pull from another registry', {...classClaim, pulled: 'ghcr.io/bob/first-image:1.0'}, {pulled: 'ghcr.io/bob/first-image:1.0'}],
		[
			'no pull',
			{lesson: 'versions', registry: '10.0.0.5:5000', pushed: '10.0.0.5:5000/alice/app:2.0', digest},
			{lesson: 'versions', pushed: '10.0.0.5:5000/alice/app:2.0'},
		],
	])('round-trips %s', (_name, claim, expected) => {
		const decoded = decodeCompletionCode(encodeCompletionCode(claim));
		expect(decoded.ok).toBe(true);
		if (decoded.ok) expect(decoded.claim).toMatchObject(expected);
	});

	it('is read whatever the case, with spaces, without dashes after the prefix, and with I, L and O for 1, 1 and 0', () => {
		const code = encodeCompletionCode(classClaim);
		const expected = decodeCompletionCode(code);
		expect(decodeCompletionCode(`  ${code.toLowerCase()}\n`)).toEqual(expected);
		expect(decodeCompletionCode(`RL1-${code.slice(4).replaceAll('-', '')}`)).toEqual(expected);
		expect(decodeCompletionCode(code.replaceAll('-', ' '))).toEqual(expected);
		const body = code.slice(4);
		if (/[01]/.test(body)) expect(decodeCompletionCode(`RL1-${body.replaceAll('1', 'l').replaceAll('0', 'O')}`)).toEqual(expected);
	});

	it('is short enough to type: about a hundred characters for a class run', () => {
		expect(encodeCompletionCode(classClaim).length).toBeLessThanOrEqual(110);
	});

	const characters = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	for (const [name, claim] of [
		['class', classClaim],
		['Docker Hub', hubClaim],
	] as const) {
		it(`refuses a ${name} code with any one character changed, at every position, to any other`, () => {
			const code = encodeCompletionCode(claim);
			let tried = 0;
			for (let index = 4; index < code.length; index++) {
				if (code[index] === '-') continue;
				for (const other of characters) {
					if (other === code[index]) continue;
					const changed = code.slice(0, index) + other + code.slice(index + 1);
					expect(decodeCompletionCode(changed), changed).toEqual({ok: false, reason: codeReasons.checksum});
					tried += 1;
				}
			}
			expect(tried).toBeGreaterThan(80 * 31);
		});

		it(`refuses a ${name} code with two neighbouring characters swapped, anywhere`, () => {
			const body = encodeCompletionCode(claim).slice(4).replaceAll('-', '');
			for (let index = 0; index + 1 < body.length; index++) {
				if (body[index] === body[index + 1]) continue;
				const swapped = body.slice(0, index) + body[index + 1]! + body[index]! + body.slice(index + 2);
				expect(decodeCompletionCode(`RL1-${swapped}`).ok, swapped).toBe(false);
			}
		});
	}

	it('says what is wrong with text that is not a code, a code of a newer version, and a character codes never hold', () => {
		const code = encodeCompletionCode(classClaim);
		expect(decodeCompletionCode('hello')).toEqual({ok: false, reason: codeReasons.notACode});
		expect(decodeCompletionCode('')).toEqual({ok: false, reason: codeReasons.notACode});
		expect(decodeCompletionCode('RL1-')).toEqual({ok: false, reason: codeReasons.notACode});
		expect(decodeCompletionCode(code.repeat(5))).toEqual({ok: false, reason: codeReasons.notACode});
		expect(decodeCompletionCode(code.replace('RL1', 'RL2'))).toEqual({ok: false, reason: codeReasons.newer});
		expect(decodeCompletionCode(`${code.slice(0, 6)}U${code.slice(7)}`)).toEqual({ok: false, reason: codeReasons.checksum});
		expect(decodeCompletionCode(code.slice(0, -1))).toEqual({ok: false, reason: codeReasons.checksum});
		expect(codeReasons.checksum).toBe('a character was changed or mistyped (the checksum does not match)');
	});

	it('will not carry what no check could have proved', () => {
		expect(() => encodeCompletionCode({...classClaim, pushed: '127.0.0.1:5000/alice/x:1\u001B[2J'})).toThrow(RangeError);
		expect(() => encodeCompletionCode({...classClaim, digest: 'sha256:nothex'})).toThrow(RangeError);
	});

	it('checks with the usual CRC-32', () => {
		expect(crc32('123456789')).toBe(0xcbf43926);
	});
});
