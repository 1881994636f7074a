// What context files and skills may not put into the prompt: a secret place
// (credentials, nanocode's own folder, another folder's .env), named directly
// or reached through a link. The gate asks before the model reads one, and a
// file the prompt carries is read unasked.
import { realpathSync } from 'node:fs';
import { isInside, isSecretPath, type Places } from '../safety/places.ts';

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** True for a path that is, or links to, a secret place; as named or as resolved, a path inside `exempt` is not. */
export function secretTest(places: Places, exempt?: string): (path: string) => boolean {
  const realPlaces = { ...places, cwd: real(places.cwd), nanocodeHome: real(places.nanocodeHome) };
  const secret = (path: string, where: Places, free?: string) => !(free && isInside(path, free)) && isSecretPath(path, where);
  return (path) => secret(path, places, exempt) || secret(real(path), realPlaces, exempt && real(exempt));
}
