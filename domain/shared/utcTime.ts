// Instants in commands and events are ISO-8601 UTC date-times (`2026-05-04T10:00:00.000Z`).
import { z } from 'zod';

// Built once: a zod schema costs more to build than to run.
const utcDateTime = z.iso.datetime();

export const isUtcDateTime = (value: unknown): value is string => utcDateTime.safeParse(value).success;
