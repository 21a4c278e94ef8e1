/** [UI10] A console section's URL: /e/CODE/moderator for the landing section (path ''), /e/CODE/moderator/qa for the others. */
export const sectionPath = (code: string, path: string) => `/e/${code}/moderator${path ? `/${path}` : ''}`;
