import {describe, expect, it} from 'vitest';
import {argsForEngine, engineCommand, loginArgs} from '../../src/container/commands.js';
import {defaultEngine} from '../../src/container/engine.js';

const docker = defaultEngine('docker', {});
const podman = {...defaultEngine('podman', {}), globalArgs: ['--storage-driver', 'vfs']};

describe('engine commands', () => {
	it('login reads the password from stdin, never from argv', () => {
		const spec = engineCommand(docker, loginArgs('127.0.0.1:5000', 'alice'), {stdin: 'pw'});
		expect(spec).toEqual({file: 'docker', args: ['login', '127.0.0.1:5000', '--username', 'alice', '--password-stdin'], env: {}, stdin: 'pw'});
		expect(loginArgs(null, 'alice')).toEqual(['login', '--username', 'alice', '--password-stdin']);
	});

	it('puts the engine’s global flags before the subcommand', () => {
		expect(engineCommand(podman, ['images']).args).toEqual(['--storage-driver', 'vfs', 'images']);
	});

	it('podman gets --tls-verify=false for a loopback registry, docker does not need it', () => {
		expect(argsForEngine(podman, ['push', '127.0.0.1:5000/alice/demo:1.0'], '127.0.0.1:5000')).toEqual([
			'push',
			'--tls-verify=false',
			'127.0.0.1:5000/alice/demo:1.0',
		]);
		expect(argsForEngine(podman, ['login', '127.0.0.1:5000', '--username', 'a', '--password-stdin'], '127.0.0.1:5000')).toEqual([
			'login',
			'--tls-verify=false',
			'127.0.0.1:5000',
			'--username',
			'a',
			'--password-stdin',
		]);
		expect(argsForEngine(docker, ['push', '127.0.0.1:5000/alice/demo:1.0'], '127.0.0.1:5000')).toEqual(['push', '127.0.0.1:5000/alice/demo:1.0']);
		expect(argsForEngine(podman, ['push', 'registry.example/alice/demo:1.0'], 'registry.example')).toEqual(['push', 'registry.example/alice/demo:1.0']);
		expect(argsForEngine(podman, ['tag', 'a', '127.0.0.1:5000/alice/demo:1.0'], '127.0.0.1:5000')).toEqual(['tag', 'a', '127.0.0.1:5000/alice/demo:1.0']);
	});
});
