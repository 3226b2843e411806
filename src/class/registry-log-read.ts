/**
 * Failed logins, read from the class registry's own log (registry.log, written while `class up` runs it).
 * A student's lab reports only once its login has passed (the first report carries the class password),
 * so a wrong password typed again and again would stay unseen; the registry logs each refused login
 * with the account's name (`level=error msg="error authenticating user \"alice\": authentication failure"`),
 * and never names the account of a request that succeeded. Read from a byte offset, as the log grows.
 */
import {open} from 'node:fs/promises';

export type LoginFailure = {readonly username: string; readonly at: string};

/** A registry log line is a few hundred bytes; a far longer one is skipped, not read whole. */
const maxLineBytes = 16 * 1024;
const chunkBytes = 1024 * 1024;
const refused = /^time="([0-9T:.+\-Z]{10,40})" level=error msg="error authenticating user \\"([^"\\]{1,64})\\": authentication failure"/;

/** One line of the registry's log as a failed login, or null. */
export function loginFailureOf(line: string): LoginFailure | null {
	const match = refused.exec(line);
	if (!match || !Number.isFinite(Date.parse(match[1]!))) return null;
	return {username: match[2]!, at: new Date(Date.parse(match[1]!)).toISOString()};
}

export type RegistryLogReader = {read(): Promise<LoginFailure[]>};

export function createRegistryLogReader(file: string): RegistryLogReader {
	let offset = 0;
	let pending = '';
	let overlong = false;
	return {
		async read() {
			const found: LoginFailure[] = [];
			let handle;
			try {
				handle = await open(file, 'r');
			} catch {
				return found; // No registry log (a Hub class, a registry in a container, or not up yet): nothing to add.
			}
			try {
				const {size} = await handle.stat();
				// The log was started again from nothing: read it from its start.
				if (size < offset) [offset, pending, overlong] = [0, '', false];
				const buffer = Buffer.alloc(Math.min(chunkBytes, Math.max(0, size - offset)));
				while (offset < size) {
					const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
					if (bytesRead === 0) break;
					offset += bytesRead;
					const lines = (pending + buffer.toString('utf8', 0, bytesRead)).split('\n');
					pending = lines.pop()!;
					for (const line of lines) {
						if (!overlong) {
							const failure = loginFailureOf(line);
							if (failure) found.push(failure);
						}
						overlong = false;
					}
					if (pending.length > maxLineBytes) [pending, overlong] = ['', true];
				}
			} finally {
				await handle.close();
			}
			return found;
		},
	};
}
