/**
 * `class up --tls`: the class's own self-signed certificate in tls/ (ca.crt, given to students, and key.pem), made with the
 * openssl program (no library to ship) and kept while it is valid for the class's address and not about to expire.
 */
import {X509Certificate} from 'node:crypto';
import {chmod, mkdir, readFile, rename, rm} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {runCommand, type CommandResult} from '../run/run-command.js';
import {classFiles} from './class-types.js';

export const tlsFiles = {certificate: 'ca.crt', key: 'key.pem'} as const;

/** A new certificate is valid this long; one that expires within `renewWithinDays` is made again. */
export const certificateDays = 365;
const renewWithinDays = 7;
const dayMs = 24 * 60 * 60 * 1000;

export type ClassCertificate = {
	/** Absolute paths. */
	readonly certificate: string;
	readonly key: string;
	/** Made by this call (else the one in tls/ still fits). */
	readonly made: boolean;
	readonly validTo: Date;
};

export type CertificateResult =
	({readonly ok: true} & ClassCertificate) | {readonly ok: false; readonly problem: string; readonly hint: string; readonly log?: string};

/** The names the certificate is valid for: the address students use, this computer's own names, and the bind address when it is one. */
export function certificateNames(address: string, bind: string): string[] {
	const names = [address, ...(isAnyAddress(bind) ? [] : [bind]), '127.0.0.1', 'localhost'];
	return [...new Set(names.map(name => name.toLowerCase()))];
}

/** openssl's subjectAltName: IP:... for addresses, DNS:... for host names. */
export function subjectAltName(names: readonly string[]): string {
	return names.map(name => `${net.isIP(name) ? 'IP' : 'DNS'}:${name}`).join(',');
}

/** Does this certificate serve these names, and for more than a few days yet? */
export function certificateFits(certificate: X509Certificate, names: readonly string[], now: Date = new Date()): boolean {
	if (new Date(certificate.validFrom).getTime() > now.getTime()) return false;
	if (new Date(certificate.validTo).getTime() - now.getTime() < renewWithinDays * dayMs) return false;
	return names.every(name => (net.isIP(name) ? certificate.checkIP(name) !== undefined : certificate.checkHost(name, {subject: 'never'}) !== undefined));
}

/** The certificate in tls/ when it still fits, else a new one made with openssl. */
export async function ensureClassCertificate(
	dir: string,
	address: string,
	bind: string,
	options: {readonly openssl?: string; readonly env?: Readonly<Record<string, string | undefined>>; readonly now?: Date} = {},
): Promise<CertificateResult> {
	const tlsDir = path.resolve(dir, classFiles.tlsDir);
	const certificate = path.join(tlsDir, tlsFiles.certificate);
	const key = path.join(tlsDir, tlsFiles.key);
	const names = certificateNames(address, bind);

	const existing = await readCertificate(certificate);
	const keyThere = await readFile(key).then(
		() => true,
		() => false,
	);
	if (existing && keyThere && certificateFits(existing, names, options.now)) {
		return {ok: true, certificate, key, made: false, validTo: new Date(existing.validTo)};
	}

	await mkdir(tlsDir, {recursive: true, mode: 0o700});
	const temp = {certificate: `${certificate}.new`, key: `${key}.new`};
	const openssl = options.openssl ?? 'openssl';
	const made = await runCommand({
		file: openssl,
		args: [
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-sha256',
			'-days',
			String(certificateDays),
			'-subj',
			`/CN=${address}`,
			'-keyout',
			temp.key,
			'-out',
			temp.certificate,
			'-addext',
			`subjectAltName=${subjectAltName(names)}`,
			'-addext',
			'basicConstraints=critical,CA:TRUE',
			'-addext',
			'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
			'-addext',
			'extendedKeyUsage=serverAuth',
		],
		...(options.env ? {env: options.env} : {}),
		timeoutMs: 60_000,
	});
	const cleanUp = () => Promise.all([rm(temp.certificate, {force: true}), rm(temp.key, {force: true})]);
	if (made.spawnError !== undefined) {
		await cleanUp();
		return {
			ok: false,
			problem: `class up --tls needs the openssl program to make the class's certificate, and ${openssl} could not be run (${made.spawnError}).`,
			hint: 'Install openssl (Debian/Ubuntu: sudo apt-get install openssl; macOS: brew install openssl), or start the class without --tls.',
		};
	}
	const fresh = made.exitCode === 0 ? await readCertificate(temp.certificate) : undefined;
	if (!fresh) {
		await cleanUp();
		return {
			ok: false,
			problem: `openssl could not make the class's certificate for ${address}.`,
			hint: 'What it said is below. An openssl older than 1.1.1 does not know -addext: install a newer one.',
			log: said(made),
		};
	}
	await chmod(temp.key, 0o600);
	await chmod(temp.certificate, 0o644);
	await rename(temp.key, key);
	await rename(temp.certificate, certificate);
	return {ok: true, certificate, key, made: true, validTo: new Date(fresh.validTo)};
}

/** Where students put ca.crt so their engine trusts the class registry at host:port. */
export function certificatePlaces(registry: string): {readonly where: string; readonly path: string}[] {
	return [
		{where: 'Linux, docker', path: `/etc/docker/certs.d/${registry}/ca.crt`},
		{where: 'macOS, Docker Desktop', path: `~/.docker/certs.d/${registry}/ca.crt`},
		{where: 'podman', path: `/etc/containers/certs.d/${registry}/ca.crt`},
	];
}

/** 0.0.0.0 or :: : every interface, not an address anyone connects to. */
export function isAnyAddress(bind: string): boolean {
	return bind === '0.0.0.0' || bind === '::' || bind === '[::]';
}

async function readCertificate(file: string): Promise<X509Certificate | undefined> {
	try {
		return new X509Certificate(await readFile(file));
	} catch {
		return undefined;
	}
}

function said(result: CommandResult): string {
	return [result.stderr, result.stdout].filter(text => text.trim().length > 0).join('\n') || `exit code ${String(result.exitCode)}`;
}
