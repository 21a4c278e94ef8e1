import { RegExpMatcher, TextCensor, asteriskCensorStrategy, englishDataset, englishRecommendedTransformers } from 'obscenity';

// Built once: compiling the dataset is the expensive part, and the matcher and censor are
// immutable, so sharing them is not the kind of module state that breaks with several nodes.
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor().setStrategy(asteriskCensorStrategy());

/**
 * English profanity, including the usual disguises (leetspeak, repeated letters), without the
 * classic false positives ("Scunthorpe", "assessment"). Polls and Q&A use it as a hint for
 * moderators; chat censors with it.
 */
export const isProfane = (text: string): boolean => matcher.hasMatch(text);

/** [STAGE22] The text with every match replaced by asterisks, and whether anything was. */
export function censorProfanity(text: string): { text: string; censored: boolean } {
  const matches = matcher.getAllMatches(text, true);
  if (matches.length === 0) return { text, censored: false };
  return { text: censor.applyTo(text, matches), censored: true };
}
