/** Column names that say "metadata, not a feature" even when the values are numbers. */
export const METADATA_NAME = /^(id|name|file|filename|path|wav|utt|utterance|speaker|spk|session|sess|subject|actor|gender|sex|label|labels|emotion|class|category|target|y|group|fold|corpus|text|transcript|index|idx|folder)$|(_id|_pct|_percent|_index)$|^(recognition|naturalness)/i;
