def survey_form(request, slug):  # placeholder: the respondent form is being written
    raise NotImplementedError
