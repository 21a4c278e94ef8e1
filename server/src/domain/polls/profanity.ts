import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

// Built once: compiling the dataset is the expensive part, and the matcher is immutable, so
// sharing it is not the kind of module state that breaks with several nodes.
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/**
 * English profanity, including the usual disguises (leetspeak, repeated letters), without the
 * classic false positives ("Scunthorpe", "assessment"). A hint for the word cloud and for
 * moderators; never a reason to lose a vote.
 */
export const isProfane = (text: string): boolean => matcher.hasMatch(text);
