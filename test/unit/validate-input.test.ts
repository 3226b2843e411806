import {describe, expect, it} from 'vitest';
import {validateInput} from '../../src/container/validate-input.js';

/** The name a refusal offers ('… is it 'ana-maria'?' or "try 'alice'"), if any. */
const offered = (message: string | null): string | undefined => /(?:is it|try) '([^']*)'\?*/i.exec(message ?? '')?.[1];

describe('a username for a class registry', () => {
	it('takes a name that can be the USERNAME in HOST/USERNAME/REPOSITORY', () => {
		for (const name of ['alice', 'student', 'ana-maria', 'ana.maria', 'ana_maria', 'ana__maria', 'ana--maria', 'a1']) {
			expect(validateInput('username', name), name).toBeNull();
		}
	});

	it('refuses capital letters with the reason, and says to type it as given, in lowercase', () => {
		const message = validateInput('username', 'Alice');
		expect(message).toMatch(/^'Alice' cannot be used in image names \(HOST\/USERNAME\/REPOSITORY\): it has capital letters/);
		expect(message).toContain('exactly as your instructor gave it');
		expect(offered(message)).toBe('alice');
		// True about registries: the account may exist with capitals, it just cannot be a namespace.
		expect(message).toContain("An account really named 'Alice' cannot push under its own name");
	});

	it('refuses spaces, other characters and misplaced separators, each with its reason', () => {
		const cases: [string, RegExp, string][] = [
			['Ana Maria', /it has a space/, 'ana-maria'],
			['ana!', /it has '!'/, 'ana'],
			['josé', /it has 'é'/, 'jose'],
			['-alice', /cannot start or end it/, 'alice'],
			['ana..maria', /one '\.', one or two '_'/, 'ana-maria'],
			['ana._maria', /one '\.', one or two '_'/, 'ana-maria'],
		];
		for (const [name, why, suggestion] of cases) {
			const message = validateInput('username', name);
			expect(message, name).toMatch(why);
			expect(offered(message), name).toBe(suggestion);
		}
	});

	it('an e-mail address or a registry address: only the username, and which one it may be', () => {
		expect(validateInput('username', 'alice@school.example')).toBe(
			"'alice@school.example' looks like an e-mail address: type only your username — is it 'alice'?",
		);
		expect(validateInput('username', '127.0.0.1:5000/alice')).toBe(
			"'127.0.0.1:5000/alice' looks like part of a registry address: type only your username — is it 'alice'?",
		);
	});

	it('every name it offers is one it then takes', () => {
		const typed = ['Alice', 'Ana Maria', 'ANA MARIA', ' x', 'a  b', 'Ana_-Maria', 'ÉLODIE', 'a@b', 'host/x/Bob', 'x:y', '__a__', 'O’Brien', 'tab\there'];
		for (const name of typed) {
			const suggestion = offered(validateInput('username', name));
			if (suggestion !== undefined) expect(validateInput('username', suggestion), `${name} → ${suggestion}`).toBeNull();
		}
		// Nothing left to offer: the reason alone.
		expect(offered(validateInput('username', '日本'))).toBeUndefined();
		expect(validateInput('username', '日本')).toMatch(/it has '日'/);
	});
});

describe('a Docker Hub username', () => {
	it('offers a name Docker Hub takes, never one it refuses', () => {
		expect(validateInput('hub-username', 'AliceStudent')).toBe("Docker Hub usernames are lowercase: try 'alicestudent'.");
		const spaced = validateInput('hub-username', 'Ana Maria');
		expect(spaced).toBe("Docker Hub usernames are 4 to 30 lowercase letters and digits, nothing else. Is it 'anamaria'?");
		expect(validateInput('hub-username', offered(spaced)!)).toBeNull();
		expect(validateInput('hub-username', 'abc')).toBe('Docker Hub usernames are 4 to 30 lowercase letters and digits, nothing else.');
		expect(validateInput('hub-username', 'alice@example.com')).toMatch(/e-mail address/);
	});
});
