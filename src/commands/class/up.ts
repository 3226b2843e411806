import net from 'node:net';
import path from 'node:path';
import {classPath, readClassConfig, writeClassConfig} from '../../class/class-config-file.js';
import {classState, hostPort, portProblem, startClass, type StartedRegistry} from '../../class/class-processes.js';
import {certificatePlaces, ensureClassCertificate, isAnyAddress} from '../../class/class-tls.js';
import {classFiles, type ClassConfig} from '../../class/class-types.js';
import {defaultEngine, type EngineName} from '../../container/engine.js';
import {hostProblem, isLoopbackHost} from '../../registry/address.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import type {ClassIo} from '../class.js';

export const upHelp = `
  Usage
    $ registry-lab class up [--dir DIR] [--port N] [--listener-port N]
                            [--address A] [--bind B] [--tls | --no-tls] [--engine docker|podman]
    $ registry-lab class up --hub [--dir DIR] [--listener-port N] [--address A] [--bind B]

  Starts the class in the background and returns once it answers: the class
  registry (the distribution registry program when it is installed, else the
  registry:2 image through the engine) and the class listener, which takes
  the registry's notifications and the students' reports. Prints the line
  students type. The options given are saved in the class folder (class.json),
  so the next class up and the sheet agree; registry.yml is written again.
  A Docker Hub class (class init --hub) starts only the listener: students
  push to Docker Hub, and the class view asks Docker Hub for what they
  pushed. --hub says so (class up does the same without it); for a class
  with its own registry it is refused.

  Options
    --dir DIR            the class folder (default: the current folder)
    --port N             the registry's port
    --listener-port N    the listener's port: what students type after --class
    --address A          the host name or IP address students reach this computer by
    --bind B             the address to listen on (0.0.0.0: every interface)
    --tls                serve the registry over HTTPS with a self-signed certificate,
                         made in tls/ (students put tls/ca.crt where the output says)
    --no-tls             serve the registry over plain HTTP again
    --engine NAME        docker (default) or podman, to run the registry:2 image
                         when there is no registry program
    --hub                a Docker Hub class: start only the listener
    -h, --help           show this help
    -v, --version        show the version

  Exit codes
    0  the class is up
    1  it could not be started (said why): already up, a port in use, no
       registry program and no engine, a process that stopped or did not answer
    2  bad usage, or the folder is not a class folder

  Examples
    $ registry-lab class up --dir period-3
    $ registry-lab class up --address 192.168.1.20 --bind 0.0.0.0
    $ registry-lab class up --address lab-pc.school.example --bind 0.0.0.0 --tls
    $ registry-lab class up --hub --dir hub-class --address 192.168.1.20 --bind 0.0.0.0
`;

export const upArgs = commandLine({
	name: 'registry-lab class up',
	help: upHelp,
	flags: {
		dir: {type: 'string', default: '.'},
		port: {type: 'string'},
		'listener-port': {type: 'string'},
		address: {type: 'string'},
		bind: {type: 'string'},
		tls: {type: 'boolean'},
		'no-tls': {type: 'boolean'},
		engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']},
		hub: {type: 'boolean'},
	},
});

const name = 'registry-lab class up';

export async function upCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, upArgs);
	if (!cli.ok) return cli.exitCode;
	const {flags} = cli;
	if (cli.input.length > 0) return usageError(name, `class up takes no words, only options (not '${cli.input[0]}').`).exitCode;
	if (flags.tls && flags['no-tls']) return usageError(name, 'give --tls or --no-tls, not both.').exitCode;
	const port = portOption(flags.port, '--port');
	const listenerPort = portOption(flags['listener-port'], '--listener-port');
	if (typeof port === 'string') return usageError(name, port).exitCode;
	if (typeof listenerPort === 'string') return usageError(name, listenerPort).exitCode;
	if (flags.address !== undefined) {
		const problem = hostProblem(flags.address);
		if (problem !== null || /:\d+$/.test(flags.address))
			return usageError(name, `--address: ${problem ?? 'give the host only; the ports are --port and --listener-port.'}`).exitCode;
	}
	if (flags.bind !== undefined && net.isIP(flags.bind) === 0) {
		return usageError(name, `--bind must be an IP address of this computer (0.0.0.0 for every one), not '${flags.bind}'.`).exitCode;
	}

	const dir = path.resolve(flags.dir);
	const read = await readClassConfig(dir);
	if (!read.ok) {
		warn(`${name}: ${read.problem}\n`);
		return 2;
	}
	if (flags.hub && read.value.kind !== 'hub') {
		return usageError(
			name,
			`${flags.dir} is a class with its own registry, not a Docker Hub class: ` +
				'run class up without --hub, or make a Docker Hub class with class init --hub.',
		).exitCode;
	}
	const config: ClassConfig = {
		...read.value,
		...(port === undefined ? {} : {port}),
		...(listenerPort === undefined ? {} : {listenerPort}),
		...(flags.address === undefined ? {} : {address: flags.address}),
		...(flags.bind === undefined ? {} : {bind: flags.bind}),
		...(flags.tls ? {tls: true} : flags['no-tls'] ? {tls: false} : {}),
	};
	const registryClass = config.kind === 'registry';
	if (registryClass && config.port === config.listenerPort) {
		return usageError(name, `the registry and the listener cannot share port ${config.port}: choose another with --port or --listener-port.`).exitCode;
	}

	const state = await classState(dir);
	if (state.kind === 'up') {
		const where = hostPort(read.value.address, state.running.listener.port);
		return fail(
			`The class is already up (the listener at ${where}, started ${state.running.startedAt}). Run registry-lab class down --dir ${quoteArg(dir)} first.`,
		);
	}
	const ports = registryClass
		? [
				[config.port, '--port'],
				[config.listenerPort, '--listener-port'],
			]
		: [[config.listenerPort, '--listener-port']];
	for (const [number, option] of ports as [number, string][]) {
		const problem = await portProblem(config.bind, number, option);
		if (problem) return fail(problem);
	}
	if (JSON.stringify(config) !== JSON.stringify(read.value)) await writeClassConfig(dir, config);

	let tls: {certificate: string; key: string} | undefined;
	const tlsLines: string[] = [];
	if (registryClass && config.tls) {
		const certificate = await ensureClassCertificate(dir, config.address, config.bind);
		if (!certificate.ok) return fail(certificate.problem, certificate.hint, certificate.log);
		tls = {certificate: certificate.certificate, key: certificate.key};
		const registry = hostPort(config.address, config.port);
		tlsLines.push(
			`The registry speaks HTTPS with the class's own certificate, ${certificate.made ? 'made now' : 'the one made before'} ` +
				`(valid until ${certificate.validTo.toISOString().slice(0, 10)}):`,
			`  ${certificate.certificate}`,
			'Students put a copy of it here before they log in:',
			...certificatePlaces(registry).map(place => `  ${`${place.where}:`.padEnd(24)}${place.path}`),
		);
	}

	const entry = process.argv[1];
	// The listener runs for a whole class: a young generation of at most 4 MB keeps it small (npm run bench, a class
	// of 300: 95 MB peak with V8's default, 75 MB with this, at the same rates). V8 takes it only on the command line.
	const listenerHeap = '--max-semi-space-size=4';
	const started = await startClass({
		dir,
		config,
		engine: defaultEngine(flags.engine as EngineName),
		listener: {file: process.execPath, args: [...process.execArgv, listenerHeap, ...(entry ? [entry] : []), 'class', 'listen', '--dir', dir]},
		...(tls ? {tls} : {}),
	});
	if (!started.ok) return fail(started.problem, started.hint, started.log);

	const registryAddress = hostPort(config.address, config.port);
	const listenerAddress = hostPort(config.address, config.listenerPort);
	const lines = [
		`The class ${config.name} is up.`,
		...(started.registry ? [`  registry   ${registryAddress}  ${config.tls ? 'HTTPS' : 'HTTP'}, ${describe(started.registry)}`] : []),
		`  listener   ${listenerAddress}  pid ${started.running.listener.pid}`,
		'',
		'Students type:',
		`  npx registry-lab --class ${listenerAddress}`,
		'',
		`The sheet to hand out: ${classPath(dir, classFiles.sheet)}`,
		`Watch the class:       registry-lab class dashboard --dir ${quoteArg(dir)}`,
		`Stop it:               registry-lab class down --dir ${quoteArg(dir)}`,
		...(tlsLines.length > 0 ? ['', ...tlsLines] : []),
	];
	io.out(lines.join('\n'));

	const notes: string[] = [];
	if (isLoopbackHost(config.address) || isLoopbackHost(config.bind)) {
		notes.push(
			`Only this computer can reach the class: ${isLoopbackHost(config.bind) ? `it listens on ${config.bind}` : `the address is ${config.address}`}, ` +
				"which is this computer's own loopback address. For a class, choose the address students reach this computer by " +
				'with --address HOST (its name or IP address on the class network) and listen on every interface with --bind 0.0.0.0.',
		);
	}
	if (registryClass && !config.tls && !isLoopbackHost(config.address)) {
		notes.push(
			`The registry speaks plain HTTP: students' engines refuse ${registryAddress} until it is in their insecure-registries setting ` +
				'(the lab explains it to them when it happens), or run class up --tls to give them a certificate instead.',
		);
	}
	if (started.registry?.how === 'container' && !isAnyAddress(config.bind)) {
		notes.push(
			`The registry runs in a container, which reaches the listener through the engine's gateway, not through ${config.bind}: ` +
				'its notifications (pushes and pulls on the class view) arrive only with --bind 0.0.0.0.',
		);
	}
	for (const note of notes) warn(`Note: ${note}\n`);
	return 0;
}

function describe(registry: StartedRegistry): string {
	return registry.how === 'program' ? `${registry.program}, pid ${registry.pid}` : `the ${registry.image} image, container ${registry.container}`;
}

/** A port option's number; a string says what is wrong; undefined: not given. */
function portOption(value: string | undefined, option: string): number | string | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	return /^\d{1,5}$/.test(value) && number >= 1 && number <= 65535 ? number : `${option} must be a port number from 1 to 65535, not '${value}'.`;
}

/** Could not start: said why, with what to do and the process's last lines when there are any. */
function fail(problem: string, hint?: string, log?: string): number {
	const logLines = log && log.trim().length > 0 ? `\n${log.replace(/^/gm, '  | ')}` : '';
	warn(`${name}: ${problem}${hint ? `\n${hint}` : ''}${logLines}\n`);
	return 1;
}

/** A folder as the instructor would type it in a shell. */
function quoteArg(value: string): string {
	return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
