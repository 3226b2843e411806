import {randomInt} from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Letters and digits a student cannot misread or mistype: lowercase only, no 0/o, no 1/l. */
export const passwordAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
const groups = 4;
const groupLength = 4;

/**
 * A password that is easy to read aloud and type, and still strong:
 * four groups of four from a 32-letter alphabet (80 bits), e.g. `k7qe-m2xa-9dfw-t4ny`.
 */
export function generatePassword(): string {
	const parts: string[] = [];
	for (let group = 0; group < groups; group++) {
		let part = '';
		for (let index = 0; index < groupLength; index++) part += passwordAlphabet[randomInt(passwordAlphabet.length)];
		parts.push(part);
	}
	return parts.join('-');
}

/**
 * bcrypt cost for a password a person chose: about 50-100 ms per hash in JavaScript (`htpasswd -B`
 * defaults to a weaker 5). A generated password has 80 random bits, which no cost can add to:
 * it gets `generatedPasswordCost`, so the lab starts faster and the registry, which checks the hash
 * on every request that carries a password, answers faster.
 */
export const chosenPasswordCost = 10;
export const generatedPasswordCost = 5;

/**
 * One line of an htpasswd file (`user:$2b$10$...`, no newline) for the distribution registry.
 * bcryptjs writes the `$2b$` prefix; the registry (Go's x/crypto/bcrypt) accepts it as it is.
 */
export function htpasswdLine(username: string, password: string, cost = chosenPasswordCost): string {
	if (username.length === 0) throw new Error('An htpasswd username cannot be empty: choose a name such as "student".');
	if (/[:\s]/.test(username)) {
		throw new Error(`The username ${JSON.stringify(username)} cannot be used in an htpasswd file: remove colons and spaces from it.`);
	}
	if (password.length === 0) throw new Error(`The password for ${username} is empty: choose one, or leave it out to get a generated one.`);
	if (/[\r\n]/.test(password)) {
		throw new Error(`The password for ${username} has a line break in it: docker login --password-stdin would cut it there. Choose one without.`);
	}
	if (bcrypt.truncates(password)) throw new Error(`The password for ${username} is longer than 72 bytes, and bcrypt ignores the rest: choose a shorter one.`);
	return `${username}:${bcrypt.hashSync(password, cost)}`;
}
