import type { ProxmoxResource } from '../types';
import { createMatcher } from './createMatcher.operation';
import { createTarget } from './createTarget.operation';
import { deleteMatcher } from './deleteMatcher.operation';
import { deleteTarget } from './deleteTarget.operation';
import { getMatchers } from './getMatchers.operation';
import { getTargets } from './getTargets.operation';
import { testTarget } from './testTarget.operation';
import { updateMatcher } from './updateMatcher.operation';
import { updateTarget } from './updateTarget.operation';

export const notificationResource: ProxmoxResource = {
	value: 'notification',
	name: 'Notification',
	description: 'Notification targets (webhook, Gotify, SMTP, sendmail) and matchers',
	operations: [getTargets, createTarget, updateTarget, deleteTarget, testTarget, getMatchers, createMatcher, updateMatcher, deleteMatcher],
};
