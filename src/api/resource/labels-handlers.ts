/** /resource/labels: the user's labels; public ones are theirs to manage, private ones read-only. */
import type { PublicLabels } from '../../domain/labels/public-labels.js';
import { presentLabel } from '../presenters/user-presenter.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface LabelsHandlerDeps {
  publicLabels: PublicLabels;
}

export function createLabelsHandlers(d: LabelsHandlerDeps) {
  const listLabels: Handler<'listLabels'> = async (req) => {
    const labels = await d.publicLabels.list(currentUser(req), req.query.ordering ?? 'asc');
    return { status: 200, body: labels.map(presentLabel) };
  };

  const getLabel: Handler<'getLabel'> = async (req) => {
    return { status: 200, body: presentLabel(await d.publicLabels.get(currentUser(req), req.params.key)) };
  };

  const createLabel: Handler<'createLabel'> = async (req) => {
    const label = await d.publicLabels.create(currentUser(req), req.body.key, req.body.value);
    return { status: 201, body: presentLabel(label) };
  };

  const updateLabel: Handler<'updateLabel'> = async (req) => {
    const label = await d.publicLabels.update(currentUser(req), req.params.key, req.body.value);
    return { status: 200, body: presentLabel(label) };
  };

  const deleteLabel: Handler<'deleteLabel'> = async (req) => {
    await d.publicLabels.remove(currentUser(req), req.params.key);
    return { status: 204, body: undefined };
  };

  return { listLabels, getLabel, createLabel, updateLabel, deleteLabel };
}
