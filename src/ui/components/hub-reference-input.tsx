import {Select} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React, {useState} from 'react';
import type {HubClient, HubRepository} from '../../registry/hub-client.js';
import {isHubUsername} from '../../registry/hub-username.js';
import {theme} from '../theme.js';
import {InputField, type InputFieldProps} from './input-field.js';
import {Working} from './working.js';

type State =
	| {readonly name: 'typing'}
	| {readonly name: 'looking'; readonly user: string}
	| {readonly name: 'choosing'; readonly user: string; readonly repositories: readonly HubRepository[]};

/**
 * An image to pull from Docker Hub: a full name, or just a classmate's username,
 * in which case their public repositories are listed to pick from.
 */
export function HubReferenceInput({hub, ...field}: InputFieldProps & {readonly hub: HubClient}): React.JSX.Element {
	const [state, setState] = useState<State>({name: 'typing'});
	const submit = (value: string): void => {
		const user = value.trim();
		if (!isHubUsername(user)) {
			field.onSubmit(value);
			return;
		}
		setState({name: 'looking', user});
		void hub.listRepositories(user).then(answer => {
			const repositories = answer.ok ? answer.repositories.filter(repository => !repository.isPrivate) : [];
			if (repositories.length === 0) field.onSubmit(value);
			else setState({name: 'choosing', user, repositories});
		});
	};
	if (state.name === 'looking') return <Working label={`Looking up ${state.user}'s public repositories on Docker Hub…`} />;
	if (state.name === 'choosing') {
		const options = [
			...state.repositories.map(repository => ({label: `${repository.namespace}/${repository.name}${repository.description ? `  — ${repository.description}` : ''}`, value: `${repository.namespace}/${repository.name}`})),
			{label: `The official image '${state.user}' (library/${state.user})`, value: state.user},
		];
		return (
			<Box flexDirection="column" marginTop={1}>
				<Text bold>{state.user}'s public repositories:</Text>
				<Text color={theme.muted}>No tag means latest.</Text>
				<Select options={options} visibleOptionCount={8} onChange={field.onSubmit} />
			</Box>
		);
	}
	return <InputField {...field} help={field.help ?? 'A full image name, or just your classmate’s Docker Hub username to see their repositories.'} onSubmit={submit} />;
}
