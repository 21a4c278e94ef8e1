import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '@rally/shared';

export const newId = (): string => randomUUID().replaceAll('-', '');

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** 128-bit secret for role links, URL safe. */
export const newSecretKey = (): string => randomBytes(16).toString('base64url');
