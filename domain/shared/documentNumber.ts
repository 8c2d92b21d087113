// An invoice's or credit note's number as printed and shown: "N/YYYY", the progressive number
// within its (Rome calendar) year, as Italian fiscal documents are numbered.
export const formatDocumentNumber = (number: number, year: number): string => `${number}/${year}`;
