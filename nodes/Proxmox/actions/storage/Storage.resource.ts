import type { ProxmoxResource } from '../types';
import { deleteVolume } from './deleteVolume.operation';
import { downloadUrl } from './downloadUrl.operation';
import { getContent } from './getContent.operation';
import { getMany } from './getMany.operation';
import { getStatus } from './getStatus.operation';
import { upload } from './upload.operation';

export const storageResource: ProxmoxResource = {
	value: 'storage',
	name: 'Storage',
	description: 'Storages: status, content, downloads and uploads',
	operations: [getMany, getStatus, getContent, deleteVolume, downloadUrl, upload],
};
