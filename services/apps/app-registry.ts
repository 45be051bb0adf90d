// Registered apps: stewards register, list and disable them. There is no dynamic registration: an app exists only
// because a steward, accountable in the audit log, put it here with its exact redirect URIs and scopes.
import { randomBytes } from 'node:crypto';
import { NotFound } from '../errors.js';
import type { AuditTrail } from '../audit/index.js';
import { secretHash, type AppCollections, type AppDocument } from './apps.model.js';
import type { AppScope } from './domain/oauth-rules.js';

export interface AppRegistration {
  name: string;
  redirectUris: string[];
  scopes: AppScope[];
  /** A confidential client gets a secret (shown once); a public one relies on PKCE alone. */
  confidential: boolean;
}

export interface AppView {
  id: string;
  name: string;
  redirectUris: string[];
  scopes: AppScope[];
  confidential: boolean;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface RegistryDeps {
  collections: AppCollections;
  audit: AuditTrail;
}

/** Registers an app; returns it and, for a confidential client, its secret (never stored, never shown again). */
export async function registerApp(
  deps: RegistryDeps,
  registration: AppRegistration,
  stewardId: string,
  now: Date,
): Promise<{ app: AppView; clientSecret?: string }> {
  const id = `app_${randomBytes(16).toString('base64url')}`;
  const clientSecret = registration.confidential ? randomBytes(32).toString('base64url') : undefined;
  const document: AppDocument = {
    _id: id,
    name: registration.name,
    redirectUris: [...new Set(registration.redirectUris)],
    scopes: registration.scopes,
    ...(clientSecret && { secretHash: secretHash(clientSecret) }),
    createdAt: now,
    createdBy: stewardId,
  };
  await deps.collections.apps.insertOne(document);
  await deps.audit.append(
    'app.registered',
    stewardId,
    { appId: id, name: document.name, scopes: document.scopes },
    now,
  );
  return { app: viewOf(document), ...(clientSecret && { clientSecret }) };
}

/** Every registered app, newest first. */
export async function listApps(deps: RegistryDeps): Promise<AppView[]> {
  const documents = await deps.collections.apps.find({}).sort({ createdAt: -1 }).limit(1_000).toArray();
  return documents.map(viewOf);
}

/** Disables an app: its authorisation requests are refused and every token of it stops working at once. */
export async function disableApp(deps: RegistryDeps, appId: string, stewardId: string, now: Date): Promise<AppView> {
  const found = await deps.collections.apps.findOne({ _id: appId });
  if (!found) throw new NotFound();
  if (found.disabledAt) return viewOf(found);
  // Every writer writes the same kind of value: last-writer-wins is the meaning (db/claims.ts).
  await deps.collections.apps.updateOne({ _id: appId }, { $set: { disabledAt: now } });
  await deps.audit.append('app.disabled', stewardId, { appId }, now);
  return viewOf({ ...found, disabledAt: now });
}

/** The app behind a client id, if registered and not disabled. */
export async function findActiveApp(collections: AppCollections, appId: string): Promise<AppDocument | null> {
  const found = await collections.apps.findOne({ _id: appId });
  return found && !found.disabledAt ? found : null;
}

function viewOf(document: AppDocument): AppView {
  return {
    id: document._id,
    name: document.name,
    redirectUris: document.redirectUris,
    scopes: document.scopes,
    confidential: document.secretHash !== undefined,
    createdAt: document.createdAt,
    disabledAt: document.disabledAt ?? null,
  };
}
