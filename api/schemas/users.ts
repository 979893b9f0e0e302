import { z } from 'zod';
import { ROLES } from '../../core/domain/model';

export const UserRecord = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  active: z.boolean(),
  createdAt: z.date(),
});
export const UserList = z.object({ items: z.array(UserRecord) });

export const CreateUserBody = z.strictObject({
  email: z.email(),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
});

/** The new token is shown once, here; only its hash is stored. */
export const UserWithToken = z.object({
  user: UserRecord.omit({ active: true, createdAt: true }),
  token: z.string(),
});

export const Me = z.object({ id: z.uuid(), email: z.string(), displayName: z.string(), role: z.enum(ROLES) });
