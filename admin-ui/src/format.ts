// Display helpers for the screens: money in integer cents as Italian euro (`1.234,56 €`), dates
// and times of instants as seen in Rome (`dd/mm/yyyy`, `dd/mm/yyyy HH:mm`), whatever the
// browser's own time zone. The same pure functions the server uses on invoices.
export { formatEuro, formatRate, formatRomeDate, formatRomeDateTime } from '../../domain/shared/money';
