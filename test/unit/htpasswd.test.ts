import bcrypt from 'bcryptjs';
import {describe, expect, it} from 'vitest';
import {generatedPasswordCost, generatePassword, htpasswdLine, passwordAlphabet} from '../../src/registry/htpasswd.js';

describe('htpasswdLine', () => {
	it('writes user:bcrypt-hash, and the hash accepts the password and nothing else', async () => {
		const line = htpasswdLine('student', 'k7qe-m2xa-9dfw-t4ny');
		const [user, hash, ...rest] = line.split(':');
		expect(user).toBe('student');
		expect(rest).toEqual([]);
		expect(line).not.toContain('\n');
		expect(hash).toMatch(/^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/);
		expect(await bcrypt.compare('k7qe-m2xa-9dfw-t4ny', hash!)).toBe(true);
		expect(await bcrypt.compare('k7qe-m2xa-9dfw-t4nz', hash!)).toBe(false);
	});

	it('takes a lower cost for a generated password, and the hash still accepts only that password', async () => {
		const hash = htpasswdLine('student', 'k7qe-m2xa-9dfw-t4ny', generatedPasswordCost).split(':')[1]!;
		expect(hash).toMatch(/^\$2[aby]\$05\$/);
		expect(await bcrypt.compare('k7qe-m2xa-9dfw-t4ny', hash)).toBe(true);
		expect(await bcrypt.compare('k7qe-m2xa-9dfw-t4nz', hash)).toBe(false);
	});

	it('salts every hash: the same password twice gives two different lines', () => {
		expect(htpasswdLine('student', 'same-password')).not.toBe(htpasswdLine('student', 'same-password'));
	});

	it('refuses what an htpasswd file or docker login cannot carry, and says what to change', () => {
		expect(() => htpasswdLine('a:b', 'pw')).toThrow(/remove colons and spaces/);
		expect(() => htpasswdLine('', 'pw')).toThrow(/cannot be empty/);
		expect(() => htpasswdLine('student', '')).toThrow(/empty/);
		expect(() => htpasswdLine('student', 'two\nlines')).toThrow(/line break/);
		expect(() => htpasswdLine('student', 'x'.repeat(73))).toThrow(/72 bytes/);
	});
});

describe('generatePassword', () => {
	it('is four groups of four from an alphabet without look-alikes', () => {
		for (let index = 0; index < 50; index++) {
			const password = generatePassword();
			expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
			expect(password).not.toMatch(/[0O1lI]|o/);
			for (const letter of password.replaceAll('-', '')) expect(passwordAlphabet).toContain(letter);
		}
		expect(passwordAlphabet).toHaveLength(32); // 16 letters of 5 bits: 80 bits
		expect(new Set(passwordAlphabet).size).toBe(32);
	});

	it('gives a different password every time', () => {
		const passwords = new Set(Array.from({length: 200}, () => generatePassword()));
		expect(passwords.size).toBe(200);
	});
});
