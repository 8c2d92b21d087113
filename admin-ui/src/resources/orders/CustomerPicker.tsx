// Choosing the buyer: type a name, codice fiscale, partita IVA or e-mail; the matches come from
// the customers list (q search).
import { Autocomplete, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { useGetList, useTranslate } from 'react-admin';

export interface BuyerOption {
  id: string;
  fullName: string;
  codiceFiscale: string | null;
  partitaIva: string | null;
  email: string;
  prepaidBalanceCents: number | null;
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export function CustomerPicker({ value, onChange, error }: { value: BuyerOption | null; onChange: (value: BuyerOption | null) => void; error?: string }) {
  const translate = useTranslate();
  const [input, setInput] = useState('');
  const q = useDebounced(input.trim(), 250);
  // While the matches of what was just typed load, the list keeps the previous ones: emptied for
  // a "Loading" line, an option being clicked at that moment vanished under the pointer and no
  // buyer was chosen.
  const { data, isPending } = useGetList<BuyerOption>(
    'customers',
    {
      filter: q && q !== value?.fullName ? { q } : {},
      pagination: { page: 1, perPage: 20 },
      sort: { field: 'fullName', order: 'ASC' },
    },
    { placeholderData: (previous) => previous },
  );
  const options = data ?? [];
  return (
    <Autocomplete<BuyerOption>
      value={value}
      onChange={(_e, v) => onChange(v)}
      inputValue={input}
      onInputChange={(_e, v) => setInput(v)}
      options={value && !options.some((o) => o.id === value.id) ? [value, ...options] : options}
      loading={isPending}
      filterOptions={(x) => x}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      getOptionLabel={(o) => o.fullName}
      renderOption={(props, o) => {
        const { key, ...rest } = props as typeof props & { key: string };
        return (
          <li key={key} {...rest}>
            {o.fullName} · {o.codiceFiscale ?? o.partitaIva ?? ''} · {o.email}
          </li>
        );
      }}
      noOptionsText={translate('app.wizard.no_customer')}
      loadingText={translate('ra.page.loading')}
      renderInput={(params) => (
        <TextField {...params} label={translate('app.wizard.buyer')} helperText={error ?? translate('app.wizard.buyer_help')} error={Boolean(error)} />
      )}
      sx={{ maxWidth: 560 }}
    />
  );
}
